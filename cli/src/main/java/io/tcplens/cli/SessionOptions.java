package io.tcplens.cli;

import picocli.CommandLine.Option;

/** How the drill-in commands ({@code show}, {@code extract}) read and split sessions: as {@code analyze} does. */
final class SessionOptions {

    @Option(names = "--reader", paramLabel = "READER", defaultValue = "builtin", description = "builtin or libpcap")
    String reader;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "300", description = "as for analyze")
    double idleTimeout;

    @Option(names = "--close-linger", paramLabel = "SECONDS", defaultValue = "60", description = "as for analyze")
    double closeLinger;
}
