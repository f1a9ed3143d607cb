package io.tcplens.cli;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.session.SessionListener;
import io.tcplens.analyzer.session.SessionTracker;
import io.tcplens.capture.CaptureFiles;
import io.tcplens.cli.render.Units;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;

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

    /**
     * The end-of-run notes about reading and splitting sessions: sessions the cap ended early, then one line per
     * input note (big blocks, wrapped timestamps), each {@code tcplens: note: ...}.
     */
    void notes(SessionTracker sessions, List<String> inputNotes, PrintWriter err) {
        String capNote = cap.note(sessions);
        if (capNote != null) {
            err.println("tcplens: note: " + capNote);
        }
        for (String note : inputNotes) {
            err.println("tcplens: note: " + note);
        }
    }

    /** {@code --session ID} names no session of the input: exit 2, saying which ids there are */
    static UserError noSuchSession(long id, SessionTracker sessions) {
        long n = sessions.sessions();
        return new UserError(ExitCode.USAGE, "no session " + id + ": the input has "
                + Units.plural(n, "session", "sessions") + (n > 0 ? " (ids 0.." + (n - 1) + ")" : ""));
    }
}
