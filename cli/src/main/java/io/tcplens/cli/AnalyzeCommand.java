package io.tcplens.cli;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.DecodeStats;
import io.tcplens.analyzer.session.InIdOrder;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.capture.CaptureException;
import io.tcplens.capture.CaptureFiles;
import io.tcplens.capture.PacketSource;
import io.tcplens.capture.ReadResult;
import io.tcplens.cli.render.PacketTable;
import io.tcplens.cli.render.ReportFormat;
import io.tcplens.cli.render.RunTotals;
import io.tcplens.cli.render.SessionSink;
import io.tcplens.cli.render.Sinks;
import io.tcplens.cli.render.Units;
import io.tcplens.capture.BpfFilter;
import io.tcplens.capture.FrameHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "pcap or pcapng capture files")
    List<Path> files;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (timeline per session), jsonl (one JSON object per session), csv (RFC 4180), "
                    + "zeek (Zeek conn.log TSV) or html (a self-contained report). Default: ${DEFAULT-VALUE}")
    ReportFormat format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "write the report to FILE (written whole, or not at all) instead of standard output")
    Path output;

    @Option(names = "--session", paramLabel = "ID",
            description = "only session ID, with every one of its packets (text), or only its record (jsonl)")
    Long session;

    @Option(names = "--brief", description = "text: one line per session, no timeline")
    boolean brief;

    @Option(names = "--reader", paramLabel = "READER", defaultValue = "builtin",
            description = "builtin (pure Java) or libpcap (through pcap4j; needs libpcap installed). Default: ${DEFAULT-VALUE}")
    String reader;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "a session quiet for longer ends; a later packet starts a new one. Default: ${DEFAULT-VALUE}")
    double idleTimeout;

    @Option(names = "--close-linger", paramLabel = "SECONDS", defaultValue = "60",
            description = "how long a closed or reset session still collects late packets. Default: ${DEFAULT-VALUE}")
    double closeLinger;

    @Option(names = "--verify-checksums",
            description = "verify TCP checksums and count bad ones per endpoint (off by default: on the capturing "
                    + "host, checksum offload makes outgoing segments' checksums wrong)")
    boolean verifyChecksums;

    @Mixin
    FilterOptions filters;

    @Override
    public Integer call() {
        CaptureFiles.Reader readerKind = switch (reader) {
            case "builtin" -> CaptureFiles.Reader.BUILTIN;
            case "libpcap" -> CaptureFiles.Reader.LIBPCAP;
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "unknown --reader '" + reader + "': use builtin or libpcap");
        };
        if (!(seconds(idleTimeout) > 0) || !(closeLinger >= 0)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--idle-timeout must be at least 1 ns (1e-9) and --close-linger >= 0 seconds");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        List<String> warnings = new ArrayList<>();
        SessionFilter sessionFilter = filters.sessionFilter(spec.commandLine());
        BpfFilter bpf = filters.bpfFilter();

        try (Output out = Output.open(output, stdout)) {
            Sinks.Report report = Sinks.create(format, out.writer(), !brief, session, Sinks.title(files),
                    sessionFilter, java.time.Clock.systemUTC());
            SessionSink sink = report.sink();
            PacketTable packets = session != null && format == ReportFormat.text ? new PacketTable(session) : null;
            boolean[] found = {false};
            InIdOrder ordered = new InIdOrder(r -> {
                if (session != null && r.id() != session) {
                    return;
                }
                found[0] = true;
                try {
                    if (packets != null) {
                        packets.write(r, out.writer());
                    } else {
                        sink.session(r);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Analyzer analyzer = new Analyzer(seconds(idleTimeout), seconds(closeLinger), ordered);
            analyzer.setVerifyChecksums(verifyChecksums);
            if (packets != null) {
                analyzer.setPacketListener(packets);
            } else if (report.packets() != null) {
                analyzer.setPacketListener(report.packets());
            }
            Progress progress = Progress.ifTerminal(stderr, files, () -> analyzer.sessions().sessions());
            FrameHandler frames = FilterOptions.frames(bpf, analyzer::onFrame);
            FrameHandler handler = progress != null ? progress.wrap(frames) : frames;
            for (Path file : files) {
                try (PacketSource source = CaptureFiles.open(file, readerKind)) {
                    ReadResult result = source.readAll(handler);
                    if (result.warning() != null) {
                        warnings.add(file + ": " + result.warning());
                    }
                } catch (CaptureException e) {
                    throw new UserError(ExitCode.of(e.reason()), e.getMessage());
                } catch (BpfFilter.FilterFailure e) {
                    throw new UserError(ExitCode.of(e.captureException().reason()), e.getMessage());
                } finally {
                    if (progress != null) {
                        progress.finish();
                    }
                }
            }
            analyzer.finish();
            DecodeStats st = analyzer.stats();
            if (packets == null) {
                sink.finish(new RunTotals(st.frames(), st.tcpSegments(), st.frames() - st.tcpSegments(),
                        st.unsupportedLinkTypes(), warnings));
            }
            if (session != null && !found[0]) {
                long n = analyzer.sessions().sessions();
                throw new UserError(ExitCode.USAGE, "no session " + session + ": the input has "
                        + Units.plural(n, "session", "sessions") + (n > 0 ? " (ids 0.." + (n - 1) + ")" : ""));
            }
            out.commit();
            for (int lt : st.unsupportedLinkTypes()) {
                stderr.println("tcplens: note: " + st.unsupported(lt) + " frames of link type " + lt
                        + " were skipped: tcplens does not decode that link type");
            }
        } catch (IOException | UncheckedIOException e) {
            throw new UserError(ExitCode.OUTPUT_ERROR, "cannot write the report: " + e.getMessage());
        }
        for (String w : warnings) {
            stderr.println("tcplens: warning: " + w);
        }
        return warnings.isEmpty() ? ExitCode.OK : ExitCode.INPUT_TRUNCATED;
    }

    private static long seconds(double s) {
        return Math.round(Math.min(s, 9.2e9) * 1e9); // at most ~292 years, within a long of ns
    }
}
