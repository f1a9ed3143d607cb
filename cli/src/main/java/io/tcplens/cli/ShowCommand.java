package io.tcplens.cli;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.cli.render.PacketLadder;
import io.tcplens.cli.render.PacketStore;
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
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tcplens show FILE --session ID}: the full packet ladder of one session. */
@Command(name = "show",
        mixinStandardHelpOptions = true,
        description = {
            "Shows every packet of one session as a ladder: client and server states, one arrow per packet "
                    + "with flags, relative seq/ack and length, its phase and Wireshark's anomaly flags.",
            "Colors on a terminal, plain when piped."})
final class ShowCommand implements Callable<Integer> {

    /** packets kept for the ladder */
    static final int MAX_PACKETS = 1_000_000;
    /**
     * bytes the ladder's packets may take (40 a packet): {@link PacketStore#defaultBudget()}, an eighth of the
     * heap, as for the HTML report's ladders, so a session of millions of packets shows its first ones
     * instead of running the heap out (tests lower it; below 0: the default)
     */
    static long ladderBudget = -1;

    enum Format { text, jsonl }

    enum Color { auto, always, never }

    @Spec
    CommandSpec spec;

    @Mixin
    InputFiles inputFiles;

    @Option(names = "--session", paramLabel = "ID", required = true, description = "the session's id (as analyze shows it)")
    long session;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (ladder) or jsonl (one JSON object per packet). Default: ${DEFAULT-VALUE}")
    Format format;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "auto (on a terminal), always or never. Default: ${DEFAULT-VALUE}")
    Color color;

    /** the same session options as analyze, so the ids are analyze's */
    @Mixin
    SessionOptions sessionOptions;

    @Mixin
    FilterOptions filters;

    @Override
    public Integer call() throws IOException {
        List<Path> files = inputFiles.files(spec.commandLine());
        OutputFile.refuseInputs(null, null, files);   // show x.pcap >> x.pcap
        var readerKind = sessionOptions.readerKind(spec.commandLine());
        sessionOptions.validate(spec.commandLine());
        var bpf = filters.bpfFilter();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PacketStore store = new PacketStore(MAX_PACKETS, session,
                ladderBudget >= 0 ? ladderBudget : PacketStore.defaultBudget());
        SessionRecord[] found = {null};
        Analyzer analyzer = sessionOptions.analyzer(r -> {
            if (r.id() == session) {
                found[0] = r;
            }
        });
        analyzer.setPacketListener(store);
        List<String> warnings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Inputs.read(files, readerKind, FilterOptions.frames(bpf, analyzer::onFrame), warnings, notes);
        analyzer.finish();
        SessionRecord r = found[0];
        if (r == null) {
            throw SessionOptions.noSuchSession(session, analyzer.sessions());
        }
        PacketStore.Packets packets = store.take(session);
        if (format == Format.jsonl) {
            PacketLadder.jsonl(r, packets, out);
        } else {
            PacketLadder.text(r, packets, out, useColor());
        }
        out.flush();
        if (out.checkError()) {
            return Output.stdoutFailed(out);   // show x.pcap --session 3 > /dev/full
        }
        if (packets.notKept() > 0) {
            err.println("tcplens: note: the ladder of session " + session + " shows its first " + packets.count()
                    + " of " + Units.plural(packets.seen(), "packet", "packets") + ": its memory budget (an eighth of the"
                    + " Java heap) holds no more; analyze --session " + session + " lists every packet, and more memory"
                    + " shows more (JAVA_OPTS=-Xmx4g ./tcplens ...)");
        }
        sessionOptions.notes(analyzer.sessions(), notes, err);
        for (String w : warnings) {
            err.println("tcplens: warning: " + w);
        }
        return warnings.isEmpty() ? ExitCode.OK : ExitCode.INPUT_TRUNCATED;
    }

    private boolean useColor() {
        return switch (color) {
            case always -> true;
            case never -> false;
            case auto -> System.console() != null && !"dumb".equals(System.getenv("TERM"))
                    && System.getenv("NO_COLOR") == null;
        };
    }
}
