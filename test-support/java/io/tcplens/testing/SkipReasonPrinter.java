package io.tcplens.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints why a test was skipped (a failed assumption: libpcap, root or the public corpus missing),
 * because Maven Surefire only counts skipped tests. Registered for every module's tests through
 * JUnit's extension auto-detection (test-support/resources).
 */
public final class SkipReasonPrinter implements TestWatcher {

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        System.err.println("[SKIPPED] " + context.getRequiredTestClass().getSimpleName() + "."
                + context.getDisplayName() + ": " + cause.getMessage());
    }
}
