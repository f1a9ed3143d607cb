package io.tcplens.cli;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.DecodeStats;
import io.tcplens.analyzer.session.Saturating;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.analyzer.session.SessionTracker;
import io.tcplens.capture.CaptureException;
import io.tcplens.capture.FrameHandler;
import io.tcplens.capture.LiveCapture;
import io.tcplens.capture.PcapWriter;
import io.tcplens.cli.render.RunTotals;
import io.tcplens.cli.render.ReportFormat;
import io.tcplens.cli.render.SessionSink;
import io.tcplens.cli.render.Sinks;
import io.tcplens.cli.render.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tcplens capture -i IFACE}: live capture through libpcap; each session is printed the
 * moment it ends, the sessions still open and libpcap's statistics when the capture stops.
 */
@Command(name = "capture",
        mixinStandardHelpOptions = true,
        description = {
            "Captures on a live interface and prints each TCP session as it ends (closed both ways, reset, idle",
            "past --idle-timeout), in the order they end. On stop (-c, --duration, Ctrl-C, SIGTERM) the sessions",
            "still open are printed as open, then libpcap's statistics. Needs root or CAP_NET_RAW + CAP_NET_ADMIN."})
final class CaptureCommand implements Callable<Integer> {


    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--interface"}, paramLabel = "IFACE", required = true,
            description = "interface to capture on (any: all interfaces; tcplens interfaces lists them)")
    String device;

    @Option(names = {"-f", "--filter"}, paramLabel = "BPF", description = "BPF filter, e.g. 'tcp port 443' (man pcap-filter)")
    String filter;

    @Parameters(paramLabel = "EXPRESSION", arity = "0..*",
            description = "the filter may also follow the options, as with tcpdump")
    List<String> filterWords;

    @Option(names = "-c", paramLabel = "COUNT", description = "stop after COUNT packets")
    long count;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after SECONDS")
    double duration;

    @Option(names = {"-s", "--snapshot-length"}, paramLabel = "SNAPLEN", defaultValue = "262144",
            description = "bytes kept of each packet. Default: ${DEFAULT-VALUE}")
    int snaplen;

    @Option(names = {"-p", "--no-promisc"}, description = "do not put the interface into promiscuous mode")
    boolean noPromisc;

    @Option(names = {"-B", "--buffer-size"}, paramLabel = "BYTES", defaultValue = "33554432",
            description = "kernel capture buffer in bytes. Default: ${DEFAULT-VALUE} (32 MiB)")
    int bufferSize;

    @Option(names = "-w", paramLabel = "FILE.pcap",
            description = "also write every captured packet to FILE.pcap (nanosecond pcap when libpcap offers it; "
                    + "renamed into place when the capture stops; a device or FIFO is written in place, - is "
                    + "standard output)")
    Path writeFile;

    @Option(names = "--time-stamp-precision", paramLabel = "PRECISION", defaultValue = "nano",
            description = "-w file timestamps: nano (when libpcap offers them) or micro. Default: ${DEFAULT-VALUE}")
    String precision;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (timeline per session), jsonl (one JSON object per session, as each ends), csv, zeek "
                    + "(conn.log) or html (written when the capture stops). Default: ${DEFAULT-VALUE}")
    ReportFormat format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "write the report to FILE (under a temporary name, renamed when the capture stops; "
                    + "a device or FIFO is written in place, - is standard output) instead of standard output")
    Path output;

    @Option(names = "--brief", description = "text: one line per session, no timeline")
    boolean brief;

    @Option(names = "--interim", paramLabel = "SECONDS",
            description = "every SECONDS (at least " + MIN_INTERIM_SECONDS + "), print one line per session still open "
                    + "(stderr with --format jsonl)")
    double interim;

    /**
     * the shortest --interim period: each period prints a line per open session, and a period of a microsecond
     * spun a core and wrote ~12,000 lines a second with nothing open
     */
    static final double MIN_INTERIM_SECONDS = 0.1;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "a session quiet for longer ends. Default: ${DEFAULT-VALUE}")
    double idleTimeout;

    @Option(names = "--close-linger", paramLabel = "SECONDS", defaultValue = "2",
            description = "how long a closed or reset session still collects late packets before it is printed. Default: ${DEFAULT-VALUE}")
    double closeLinger;

    /** --max-sessions: the same option and default as analyze's, so a -w file re-analysed gives the same ids */
    @Mixin
    SessionCap cap;

    /** set while a capture runs (tests stop it through {@link #stopRunning}) */
    private static volatile LiveCapture running;

    /** true while a capture runs in this JVM (its device is open: packets are being kept) */
    static boolean isRunning() {
        return running != null;
    }

    /** Stops the capture this JVM is running, as SIGINT/SIGTERM do; false when none runs. */
    static boolean stopRunning() {
        LiveCapture c = running;
        if (c == null) {
            return false;
        }
        c.stop();
        return true;
    }

    @Override
    public Integer call() {
        validate();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        String bpf = bpf();
        LiveCapture.Options opts = new LiveCapture.Options(device, bpf, snaplen, !noPromisc, bufferSize, count,
                LiveCapture.Options.DEFAULT_RING);
        LiveCapture capture;
        try {
            capture = LiveCapture.open(opts);
        } catch (CaptureException e) {
            throw new UserError(ExitCode.of(e.reason()), e.getMessage());
        }
        // the first SIGINT/SIGTERM stops the capture; the main thread then prints the open sessions and the
        // statistics, with no deadline, and exits 128 + the signal's number. A second one ends it at once
        try (capture; StopSignals signals = StopSignals.install(capture::stop)) {
            running = capture;
            int code = run(capture, stdout, stderr);
            return code == ExitCode.OK ? signals.exitCode(code) : code;
        } finally {
            running = null;
        }
    }

    private int run(LiveCapture capture, PrintWriter stdout, PrintWriter stderr) {
        PcapWriter writer = null;
        OutputFile pcapFile = null;
        if (writeFile != null) {
            pcapFile = OutputFile.open("-w", writeFile, null);
            try {
                writer = new PcapWriter(pcapFile.stream(), capture.linkType(), snaplen,
                        capture.nanosecondTimestamps() && precision.equals("nano"));
                writer.flush();
            } catch (IOException e) {
                pcapFile.close();
                throw new UserError(ExitCode.OUTPUT_ERROR, "cannot write " + Output.reason(e));
            }
        }
        // statistics, notes and --interim lines go where they do not mix into a machine-readable report
        PrintWriter sideOut = format == ReportFormat.text && Output.toStdout(output) ? stdout : stderr;
        try (Output report = Output.open(output, null, stdout)) {
            Writer out = report.writer();
            Sinks.Report sinks = Sinks.create(format, out, !brief, null, "live capture on " + device, null,
                    java.time.Clock.systemUTC());
            SessionSink sink = sinks.sink();
            Analyzer analyzer = new Analyzer(Inputs.seconds(idleTimeout), Inputs.seconds(closeLinger), r -> {
                try {
                    sink.session(r);
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            int maxSessions = cap.value();
            analyzer.sessions().setMaxSessions(maxSessions);
            if (sinks.packets() != null) {
                analyzer.setPacketListener(sinks.packets());
            }
            PcapWriter w = writer;
            IOException[] writeError = {null};
            FrameHandler handler = w == null ? analyzer::onFrame
                    : (ts, lt, ifc, data, off, cap, orig) -> {
                        if (writeError[0] == null) {
                            try {
                                w.write(ts, data, off, cap, orig);
                            } catch (IOException e) {
                                writeError[0] = e;
                            }
                        }
                        analyzer.onFrame(ts, lt, ifc, data, off, cap, orig);
                    };
            stderr.println("tcplens: capturing on " + device + " (link type " + capture.linkType() + ", snaplen "
                    + snaplen + ", " + (capture.nanosecondTimestamps() ? "nanosecond" : "microsecond") + " timestamps"
                    + (bpfOrNull() != null ? ", filter '" + bpfOrNull() + "'" : "") + (writeFile != null ? ", writing "
                    + writeFile : "") + ", reading with " + capture.reader() + "); Ctrl-C stops");
            stderr.flush();

            long start = System.nanoTime();
            long deadline = duration > 0 ? start + Inputs.seconds(duration) : Long.MAX_VALUE;
            long interimNs = interim > 0 ? Inputs.seconds(interim) : 0;
            long nextInterim = interimNs > 0 ? start + interimNs : Long.MAX_VALUE;
            long lastFlush = start;
            boolean dirty = false;
            capture.start();
            while (!capture.isDone()) {
                long now = System.nanoTime();
                long wait = Math.min(100_000_000L, Math.max(1, Math.min(deadline, nextInterim) - now));
                int n = capture.drain(handler, wait);
                dirty |= n > 0;
                now = System.nanoTime();
                if (now >= deadline) {
                    capture.stop();
                }
                if (n == 0) {
                    // the interface is quiet and every captured frame is analysed: let closed and idle sessions end
                    analyzer.sessions().advanceClock(epochNanos());
                    if (dirty && w != null && now - lastFlush > 100_000_000L) {
                        try {
                            w.flush();
                        } catch (IOException e) {
                            writeError[0] = e;
                        }
                        lastFlush = now;
                        dirty = false;
                    }
                }
                if (now >= nextInterim) {
                    interim(analyzer, sideOut, now - start);
                    nextInterim = now + interimNs;
                }
            }
            capture.close();
            analyzer.finish();
            if (w != null) {
                try {
                    w.flush();
                } catch (IOException e) {
                    writeError[0] = writeError[0] != null ? writeError[0] : e;
                }
                if (writeError[0] == null) {
                    pcapFile.commit();   // in place, or renamed over -w FILE
                }
            }
            DecodeStats st = analyzer.stats();
            List<String> warnings = new ArrayList<>();
            sink.finish(new RunTotals(st.frames(), st.tcpSegments(), st.frames() - st.tcpSegments(),
                    st.unsupportedLinkTypes(), warnings));
            LiveCapture.Stats s = capture.stats();
            report.commit();
            PrintWriter statsOut = sideOut;
            statsOut.println(String.format(Locale.ROOT, "%s captured, %s received by filter, %d dropped by kernel,"
                    + " %d dropped by interface, %d dropped by tcplens", Units.plural(s.captured(), "packet", "packets"),
                    s.received() < 0 ? "?" : Long.toString(s.received()), s.droppedByKernel(), s.droppedByIf(),
                    s.droppedByTcplens()));
            long evicted = analyzer.sessions().evictions();
            if (evicted > 0) {
                statsOut.println(Units.plural(evicted, "session", "sessions") + " evicted to stay within --max-sessions "
                        + maxSessions);
            }
            long cutShort = analyzer.sessions().lingerCutShort();
            if (cutShort > 0) {
                statsOut.println(Units.plural(cutShort, "closed session", "closed sessions")
                        + " left the table before the close linger was over, to stay within --max-sessions " + maxSessions);
            }
            statsOut.flush();
            RunNotes.ladders(sinks.packets(), stderr);
            RunNotes.decode(st, stderr);
            if (s.dropped() > 0) {
                stderr.println("tcplens: warning: " + Units.plural(s.dropped(), "packet was", "packets were")
                        + " dropped, so the analysis is incomplete (sessions may miss packets): raise --buffer-size"
                        + " or narrow the filter");
            }
            if (writeError[0] != null) {
                throw new UserError(ExitCode.OUTPUT_ERROR, "cannot write " + Output.reason(writeError[0]));
            }
            CaptureException failure = capture.failure();
            if (failure != null) {
                throw new UserError(ExitCode.of(failure.reason()), failure.getMessage());
            }
            stderr.flush();
            return ExitCode.OK;
        } catch (IOException | UncheckedIOException e) {
            throw new UserError(ExitCode.OUTPUT_ERROR, "cannot write the report: " + Output.reason(e));
        } finally {
            if (pcapFile != null) {
                pcapFile.close();   // unless committed: the temporary file goes, an older -w file stays as it was
            }
        }
    }

    private void interim(Analyzer analyzer, PrintWriter to, long elapsedNs) {
        SessionTracker.OpenSessions open = analyzer.sessions().openSnapshot();
        to.println("-- after " + Units.duration(elapsedNs) + ": " + Units.plural(open.size(), "session", "sessions")
                + " open");
        long now = epochNanos();
        open.forEach(r ->
            to.println(String.format(Locale.ROOT, "   #%d  %s → %s  IPv%d  open %s, idle %s  %s  %s  handshake %s%s",
                    r.id(), Units.endpoint(r.clientAddr(), r.clientPort()), Units.endpoint(r.serverAddr(), r.serverPort()),
                    r.ipVersion(), Units.duration(Math.max(0, Saturating.between(r.startNs(), now))),
                    Units.duration(Math.max(0, Saturating.between(r.endNs(), now))), Units.plural(r.packets(), "pkt", "pkts"),
                    Units.bytes(r.bytes()), r.handshake().status().jsonName().replace('_', ' '),
                    r.close().initiator() != null ? ", " + r.close().initiator().jsonName() + " closed first" : "")));
        to.flush();
    }

    private void validate() {
        if (!(Inputs.seconds(idleTimeout) > 0) || !(closeLinger >= 0)) {
            throw new ParameterException(spec.commandLine(),
                    "--idle-timeout must be at least 1 ns (1e-9) and --close-linger >= 0 seconds");
        }
        if (count < 0 || duration < 0 || interim < 0 || Double.isNaN(duration) || Double.isNaN(interim)) {
            throw new ParameterException(spec.commandLine(), "-c, --duration and --interim must not be negative");
        }
        if (interim > 0 && interim < MIN_INTERIM_SECONDS) {
            throw new ParameterException(spec.commandLine(), "--interim must be 0 (off) or at least "
                    + MIN_INTERIM_SECONDS + " seconds");
        }
        if (snaplen < 1 || snaplen > 262144) {
            throw new ParameterException(spec.commandLine(), "-s must be between 1 and 262144 bytes");
        }
        if (bufferSize < 65536) {
            throw new ParameterException(spec.commandLine(), "--buffer-size must be at least 65536 bytes");
        }
        if (!precision.equals("nano") && !precision.equals("micro")) {
            throw new ParameterException(spec.commandLine(), "--time-stamp-precision must be nano or micro");
        }
        cap.validate(spec.commandLine());
        OutputFile.refuseSameOutput("-o", output, "-w", writeFile);
        if (writeFile != null && OutputFile.namesStandardOutput(writeFile) && OutputFile.namesStandardOutput(output)) {
            throw new ParameterException(spec.commandLine(), "-w " + writeFile
                    + " writes the packets to standard output, where the report goes: give the report a file too (-o FILE)");
        }
        if (filter != null && filterWords != null && !filterWords.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give the filter once: with -f or after the options");
        }
    }

    private String bpf() {
        String f = filter != null ? filter : filterWords == null ? null : String.join(" ", filterWords);
        return f == null || f.isBlank() ? null : f.trim();
    }

    private String bpfOrNull() {
        return bpf();
    }

    private static long epochNanos() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

}
