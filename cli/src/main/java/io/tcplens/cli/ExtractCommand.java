package io.tcplens.cli;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.capture.PcapWriter;
import io.tcplens.cli.render.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tcplens extract FILE --session ID -w OUT.pcap}: the session's original frames, bytes and
 * timestamps unchanged, same link type. The frames are found by their index in the input, recorded
 * while the session engine assigns each packet to its session; a second pass copies them.
 */
@Command(name = "extract",
        mixinStandardHelpOptions = true,
        description = {
            "Writes the original frames of one session (bytes and timestamps unchanged, same link type) "
                    + "to a pcap file with nanosecond timestamps, readable by Wireshark and tcpdump."})
final class ExtractCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    InputFiles inputFiles;

    @Option(names = "--session", paramLabel = "ID", required = true, description = "the session's id (as analyze shows it)")
    long session;

    @Option(names = {"-w", "--write"}, paramLabel = "OUT.pcap", required = true,
            description = "the pcap file to write (written whole, or not at all: under a temporary name, renamed at "
                    + "the end; a device or FIFO is written in place, - is standard output)")
    Path output;

    /** the same session options as analyze, so the ids are analyze's */
    @Mixin
    SessionOptions sessionOptions;

    @Mixin
    FilterOptions filters;

    @Override
    public Integer call() {
        // the output is written whole or not at all: a signal removes its temporary file and ends the run at once
        try (StopSignals signals = StopSignals.install(null)) {
            return extract();
        }
    }

    private int extract() {
        List<Path> files = inputFiles.files(spec.commandLine());
        Inputs.requireFiles(files, "extract reads its input twice (to find the session, then to copy its frames)",
                spec.commandLine());
        OutputFile.refuseInputs("-w", output, files);
        var readerKind = sessionOptions.readerKind(spec.commandLine());
        sessionOptions.validate(spec.commandLine());
        var bpf = filters.bpfFilter();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        // pass 1: which frames (by index in the input) belong to the session
        long[] frame = {-1};
        long[][] indices = {new long[64]};
        int[] count = {0};
        SessionRecord[] found = {null};
        Analyzer analyzer = sessionOptions.analyzer(r -> {
            if (r.id() == session) {
                found[0] = r;
            }
        });
        analyzer.setPacketListener((s, fromA, seg, ts, phase) -> {
            if (s.id() == session) {
                if (count[0] == indices[0].length) {
                    indices[0] = Arrays.copyOf(indices[0], count[0] * 2);
                }
                indices[0][count[0]++] = frame[0];
            }
        });
        List<String> warnings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        var analyze = FilterOptions.frames(bpf, analyzer::onFrame);
        Inputs.read(files, readerKind, (ts, lt, ifId, data, off, caplen, origLen) -> {
            frame[0]++;
            analyze.onFrame(ts, lt, ifId, data, off, caplen, origLen);
        }, warnings, notes);
        analyzer.finish();
        if (found[0] == null) {
            throw SessionOptions.noSuchSession(session, analyzer.sessions());
        }

        // pass 2: copy those frames
        long[] wanted = Arrays.copyOf(indices[0], count[0]);
        Arrays.sort(wanted);
        String name;
        try (OutputFile pcap = OutputFile.open("-w", output, files)) {
            name = pcap.name();
            long[] index = {-1};
            int[] next = {0};
            PcapWriter[] writer = {null};
            int[] linkType = {-1};
            IOException[] failure = {null};
            Inputs.read(files, readerKind, (ts, lt, ifId, data, off, caplen, origLen) -> {
                index[0]++;
                if (next[0] >= wanted.length || wanted[next[0]] != index[0] || failure[0] != null) {
                    return;
                }
                next[0]++;
                try {
                    if (writer[0] == null) {
                        linkType[0] = lt;
                        writer[0] = new PcapWriter(pcap.stream(), lt, 262144, true);
                    } else if (lt != linkType[0]) {
                        throw new UserError(ExitCode.USAGE, "session " + session + " spans interfaces with link types "
                                + linkType[0] + " and " + lt + ": a pcap file holds one link type");
                    }
                    writer[0].write(ts, data, off, caplen, origLen);
                } catch (IOException e) {
                    failure[0] = e;
                }
            }, new ArrayList<>(), new ArrayList<>());
            if (writer[0] == null) {
                writer[0] = new PcapWriter(pcap.stream(), 1, 262144, true);
            }
            writer[0].flush();
            if (failure[0] != null) {
                throw failure[0];
            }
            pcap.commit();
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_ERROR, "cannot write " + Output.reason(e));
        }
        err.println("tcplens: wrote " + Units.plural(wanted.length, "frame", "frames") + " of session " + session
                + " to " + name);
        sessionOptions.notes(analyzer.sessions(), notes, err);
        for (String w : warnings) {
            err.println("tcplens: warning: " + w);
        }
        out.flush();
        return warnings.isEmpty() ? ExitCode.OK : ExitCode.INPUT_TRUNCATED;
    }
}
