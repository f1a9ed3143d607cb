package io.tcplens.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;

/**
 * Prints why a test was skipped (a failed assumption: libpcap, root or the public corpus missing),
 * because Maven Surefire only counts skipped tests. Registered for every module's tests through
 * JUnit's extension auto-detection (test-support/resources).
 */
public final class SkipReasonPrinter implements TestWatcher, LifecycleMethodExecutionExceptionHandler {

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        System.err.println("[SKIPPED] " + context.getRequiredTestClass().getSimpleName() + "."
                + context.getDisplayName() + ": " + cause.getMessage());
    }

    /** an assumption in {@code @BeforeAll} skips the whole class, which Surefire does not even count */
    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable cause) throws Throwable {
        if (cause instanceof TestAbortedException) {
            System.err.println("[SKIPPED] " + context.getRequiredTestClass().getSimpleName() + " (all tests): "
                    + cause.getMessage());
        }
        throw cause;
    }
}
