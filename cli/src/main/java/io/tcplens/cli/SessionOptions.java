package io.tcplens.cli;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.session.SessionListener;
import io.tcplens.capture.CaptureFiles;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How the offline commands ({@code analyze}, {@code show}, {@code extract}; {@code @Mixin}) read a
 * capture and split it into sessions. They share this one set of options, so the same input and the
 * same options give the same session ids in each (ids depend on the idle timeout, the close linger
 * and the session cap, all here).
 */
final class SessionOptions {

    @Option(names = "--reader", paramLabel = "READER", defaultValue = "builtin",
            description = "builtin (pure Java) or libpcap (through pcap4j; needs libpcap installed). Default: ${DEFAULT-VALUE}")
    String reader;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "a session quiet for longer ends; a later packet starts a new one. Default: ${DEFAULT-VALUE}")
    double idleTimeout;

    @Option(names = "--close-linger", paramLabel = "SECONDS", defaultValue = "60",
            description = "how long a closed or reset session still collects late packets. Default: ${DEFAULT-VALUE}")
    double closeLinger;

    @Mixin
    SessionCap cap;

    CaptureFiles.Reader readerKind(CommandLine cl) {
        return Inputs.reader(reader, cl);
    }

    /** wrong values are usage errors */
    void validate(CommandLine cl) {
        cap.validate(cl);
        if (!(Inputs.seconds(idleTimeout) > 0) || !(closeLinger >= 0)) {
            throw new CommandLine.ParameterException(cl,
                    "--idle-timeout must be at least 1 ns (1e-9) and --close-linger >= 0 seconds");
        }
    }

    /** an analyzer splitting sessions by these options */
    Analyzer analyzer(SessionListener listener) {
        Analyzer a = new Analyzer(Inputs.seconds(idleTimeout), Inputs.seconds(closeLinger), listener);
        a.sessions().setMaxSessions(cap.value());
        return a;
    }
}
