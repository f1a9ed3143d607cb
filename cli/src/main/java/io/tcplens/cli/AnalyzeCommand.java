package io.tcplens.cli;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.DecodeStats;
import io.tcplens.analyzer.session.SessionListener;
import io.tcplens.capture.CaptureException;
import io.tcplens.capture.CaptureFiles;
import io.tcplens.capture.PacketSource;
import io.tcplens.capture.ReadResult;
import io.tcplens.cli.render.IdOrderedOutput;
import io.tcplens.cli.render.PacketTable;
import io.tcplens.cli.render.ReportFormat;
import io.tcplens.cli.render.RunTotals;
import io.tcplens.cli.render.SessionSink;
import io.tcplens.cli.render.Sinks;
import io.tcplens.cli.render.Units;
import io.tcplens.capture.BpfFilter;
import io.tcplens.capture.FrameHandler;
import io.tcplens.capture.HeaderFrameHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tcplens analyze FILE...}: every TCP session of one or more capture files. */
@Command(name = "analyze",
        mixinStandardHelpOptions = true,
        description = {
            "Rebuilds every TCP session of the capture files into its handshake, data and close phases.",
            "Several files are read in the order given as one continuous capture (e.g. rotated files)."})
final class AnalyzeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    InputFiles inputFiles;

    /** the inputs, in order (FILE arguments and -r FILE) */
    List<Path> files;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (timeline per session), jsonl (one JSON object per session), csv (RFC 4180), "
                    + "zeek (Zeek conn.log TSV) or html (a self-contained report). Default: ${DEFAULT-VALUE}")
    ReportFormat format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "write the report to FILE instead of standard output: a regular file is written whole or "
                    + "not at all (under a temporary name, renamed at the end; a link's target is replaced), a device "
                    + "or FIFO is written in place, - is standard output")
    Path output;

    @Option(names = "--session", paramLabel = "ID",
            description = "only session ID, with every one of its packets (text), or only its record (jsonl)")
    Long session;

    @Option(names = "--brief", description = "text: one line per session, no timeline")
    boolean brief;

    @Option(names = "--threads", paramLabel = "N",
            description = "1: read, decode and analyse on one thread; 2: decode on one, follow the sessions on "
                    + "another (the same report, byte for byte: docs/PERFORMANCE.md). Default: 2 on a machine "
                    + "with 2 or more cores, else 1")
    Integer threads;

    /** --reader, --idle-timeout, --close-linger, --max-sessions: shared with show and extract, so ids agree */
    @Mixin
    SessionOptions sessionOptions;

    /**
     * leading bytes of each frame the reader copies out for the analyzer: Ethernet, two VLAN tags,
     * IPv6 and a TCP header with the largest options fit; a frame needing more is read whole
     */
    static final int HEADER_BYTES = 128;

    @Option(names = "--verify-checksums",
            description = "verify TCP checksums and count bad ones per endpoint (off by default: on the capturing "
                    + "host, checksum offload makes outgoing segments' checksums wrong)")
    boolean verifyChecksums;

    /** stdout is checked for a closed pipe after this many sessions (each check flushes) */
    static final int PIPE_CHECK_EVERY = 8;
    /** chars of session text held in memory while waiting for an older session to end (tests lower it) */
    static long reorderBudget = IdOrderedOutput.DEFAULT_BUDGET;

    /** set by the first SIGINT or SIGTERM: stop reading, report what was read */
    private volatile boolean interrupted;
    /** the run's SIGINT/SIGTERM handlers: the exit code after a signal */
    private StopSignals signals;
    /** the run's analyzer, closed however the run ends */
    private Analyzer running;
    /** set when stdout is a pipe whose reader went away ({@code tcplens analyze big.pcap | head}) */
    private boolean pipeClosed;

    /** thrown from inside the read loop to stop reading early; never escapes {@link #call()} */
    private static final class StopReading extends RuntimeException {
        StopReading() {
            super(null, null, false, false);
        }
    }

    private static final StopReading STOP = new StopReading();

    @Mixin
    FilterOptions filters;

    @Override
    public Integer call() {
        // the first SIGINT/SIGTERM stops the reading; the sessions read so far are then reported, with no
        // deadline, the -o file is put in place and the exit code is 128 + the signal's number (130, 143).
        // A second signal ends the process at once (StopSignals)
        try (StopSignals signals = StopSignals.install(() -> interrupted = true)) {
            this.signals = signals;
            return analyze();
        } finally {
            spec.commandLine().getOut().flush();
            spec.commandLine().getErr().flush();
        }
    }

    private Integer analyze() {
        files = inputFiles.files(spec.commandLine());
        CaptureFiles.Reader readerKind = sessionOptions.readerKind(spec.commandLine());
        int threads = this.threads != null ? this.threads : Runtime.getRuntime().availableProcessors() >= 2 ? 2 : 1;
        if (threads < 1 || threads > 2) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--threads must be 1 or 2");
        }
        sessionOptions.validate(spec.commandLine());
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        List<String> warnings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long[] written = {0};
        SessionFilter sessionFilter = filters.sessionFilter(spec.commandLine());
        BpfFilter bpf = filters.bpfFilter();

        PacketTable packets = session != null && format == ReportFormat.text ? new PacketTable(session) : null;
        // Sessions end in any order; the report lists them in order of id. Every format renders each
        // session as it ends and puts the text in order (IdOrderedOutput: held text is bounded in memory,
        // the rest spilled to a temporary file; the HTML page's rows are array elements, separated
        // there). --session ID with text prints one session's packet table when that session ends (its
        // packets held in a temporary file, not in memory: PacketTable); the other sessions are dropped.
        boolean byText = packets == null;
        try (packets; Output out = Output.open(output, files, stdout);
             IdOrderedOutput ordered = byText ? new IdOrderedOutput(out.stream(), reorderBudget, Sinks.separator(format))
                     : null) {
            Sinks.Report report = Sinks.create(format, ordered != null ? ordered.writer() : out.writer(), !brief,
                    session, Sinks.title(files), sessionFilter, java.time.Clock.systemUTC(), ordered != null);
            SessionSink sink = report.sink();
            boolean[] found = {false};
            SessionListener write = r -> {
                boolean wanted = session == null || r.id() == session;
                try {
                    if (ordered != null) {
                        ordered.begin(r.id());   // a session not wanted leaves an empty text: the order moves on
                        if (wanted) {
                            sink.session(r);
                        }
                        ordered.end();
                    } else if (wanted) {
                        if (packets != null) {
                            packets.write(r, out.writer());
                        } else {
                            sink.session(r);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (!wanted) {
                    return;
                }
                found[0] = true;
                if (Output.toStdout(output) && ++written[0] % PIPE_CHECK_EVERY == 0 && out.stdoutClosed()) {
                    pipeClosed = true;   // nobody reads stdout any more: stop quietly
                    throw STOP;
                }
            };
            Analyzer analyzer = sessionOptions.analyzer(write);
            running = analyzer;
            analyzer.setVerifyChecksums(verifyChecksums);
            if (packets != null) {
                analyzer.setPacketListener(packets);
            } else if (report.packets() != null) {
                analyzer.setPacketListener(report.packets());
            }
            long[] framesInFile = {0};
            String interruptedAt = null;
            Progress progress = Progress.ifTerminal(stderr, files, () -> analyzer.sessions().sessions());
            FrameHandler frames = FilterOptions.frames(bpf, analyzer::onFrame);
            if (threads > 1) {
                analyzer.useSecondThread();
            }
            Inputs inputs = new Inputs(files, readerKind, () -> interrupted, warnings, notes);
            for (Path file : files) {
                if (interrupted) {
                    interruptedAt = "before " + CaptureFiles.name(file);
                    break;
                }
                framesInFile[0] = 0;
                try (PacketSource source = inputs.open(file)) {
                    if (source == null) {
                        continue;   // not a capture, among other inputs: warned
                    }
                    FrameHandler each = (ts, lt, ifId, data, off, caplen, origlen) -> {
                        if (interrupted) {
                            throw STOP;
                        }
                        frames.onFrame(ts, lt, ifId, data, off, caplen, origlen);
                        framesInFile[0]++;
                        if (progress != null) {
                            progress.frame(caplen);
                        }
                    };
                    // without a BPF filter (which reads whole frames) the reader may hand over headers only
                    ReadResult result = source.readAll(bpf != null ? each : HeaderFrameHandler.of(HEADER_BYTES,
                            (ts, lt, ifId, data, off, present, caplen, origlen) -> {
                                if (interrupted) {
                                    throw STOP;
                                }
                                if (!analyzer.onFrameHeaders(ts, lt, ifId, data, off, present, caplen, origlen)) {
                                    return false;
                                }
                                framesInFile[0]++;
                                if (progress != null) {
                                    progress.frame(caplen);
                                }
                                return true;
                            }, each));
                    inputs.read(file, result);
                } catch (StopReading stop) {
                    if (pipeClosed) {
                        return out.stdoutFailed();   // 0 for a pipe whose reader left, else exit 11
                    }
                    interruptedAt = "while reading " + CaptureFiles.name(file) + " after "
                            + Units.plural(framesInFile[0], "frame", "frames");
                    break;
                } catch (CaptureException e) {
                    if (interrupted) {
                        interruptedAt = "while reading " + CaptureFiles.name(file);
                        break;
                    }
                    throw new UserError(ExitCode.of(e.reason()), e.getMessage());
                } catch (BpfFilter.FilterFailure e) {
                    throw new UserError(ExitCode.of(e.captureException().reason()), e.getMessage());
                } finally {
                    if (progress != null) {
                        progress.finish();
                    }
                }
            }
            if (interruptedAt == null) {
                inputs.finish();
            }
            if (interruptedAt != null) {
                warnings.clear();   // the one warning: where reading stopped
                warnings.add("interrupted " + interruptedAt + ": the sessions read until then are reported");
            }
            try {
                analyzer.finish();
            } catch (StopReading stop) {
                return out.stdoutFailed();   // stdout failed while the last sessions were written
            }
            if (ordered != null) {
                ordered.finish();
            }
            DecodeStats st = analyzer.stats();
            if (packets == null) {
                sink.finish(new RunTotals(st.frames(), st.tcpSegments(), st.frames() - st.tcpSegments(),
                        st.unsupportedLinkTypes(), warnings));
            }
            if (session != null && !found[0]) {
                throw SessionOptions.noSuchSession(session, analyzer.sessions());
            }
            out.commit();
            if (out.stdoutClosed()) {
                return out.stdoutFailed();   // the reader of a pipe went away (0), or a write failed (11)
            }
            sessionOptions.notes(analyzer.sessions(), notes, stderr);
            RunNotes.ladders(report.packets(), stderr);
            RunNotes.decode(st, stderr);
            if (interruptedAt != null) {
                for (String w : warnings) {
                    stderr.println("tcplens: warning: " + w);
                }
                return signals.exitCode(ExitCode.INTERRUPTED);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new UserError(ExitCode.OUTPUT_ERROR, "cannot write the report: " + Output.reason(e));
        } finally {
            if (running != null) {
                running.close();   // stops the session thread if the run ended early
            }
        }
        for (String w : warnings) {
            stderr.println("tcplens: warning: " + w);
        }
        return warnings.isEmpty() ? ExitCode.OK : ExitCode.INPUT_TRUNCATED;
    }

}
