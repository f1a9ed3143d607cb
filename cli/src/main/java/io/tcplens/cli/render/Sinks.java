package io.tcplens.cli.render;

import io.tcplens.analyzer.session.SessionRecord;

import java.io.IOException;
import java.io.Writer;
import java.time.Clock;
import java.util.function.Predicate;

/** Format → sink: what {@code analyze} (and {@code capture}) write a report with. */
public final class Sinks {

    private Sinks() {
    }

    /** "a.pcap, b.pcap": what a report is about */
    public static String title(java.util.List<java.nio.file.Path> files) {
        return String.join(", ", files.stream().map(java.nio.file.Path::toString).toList());
    }

    /**
     * A sink and, when the format needs per-packet facts (Zeek's IP byte counts, the HTML ladders),
     * the packet listener to give the analyzer ({@code null} otherwise).
     */
    public record Report(SessionSink sink, PacketStore packets) {
    }

    /**
     * @param timeline    text: print each session's timeline (false: {@code --brief})
     * @param onlySession keep per-packet data only for this session (null: all)
     * @param title       what the report is about (the input files), for the HTML page
     * @param filter      sessions to render (others are dropped, with their packet data)
     */
    public static Report create(ReportFormat format, Writer out, boolean timeline, Long onlySession, String title,
                                Predicate<SessionRecord> filter, Clock clock) throws IOException {
        return create(format, out, timeline, onlySession, title, filter, clock, false);
    }

    /**
     * @param ordered each session is rendered on its own into an {@link IdOrderedOutput} made with
     *                {@link #separator(ReportFormat)}, which writes what comes between two sessions
     */
    public static Report create(ReportFormat format, Writer out, boolean timeline, Long onlySession, String title,
                                Predicate<SessionRecord> filter, Clock clock, boolean ordered) throws IOException {
        PacketStore store = switch (format) {
            case zeek -> new PacketStore(0, onlySession);
            case html -> new PacketStore(HtmlReport.MAX_PACKETS, onlySession, PacketStore.defaultBudget());
            default -> null;
        };
        SessionSink sink = switch (format) {
            case text -> new TextRenderer(out, timeline);
            case jsonl -> new JsonLinesRenderer(out);
            case csv -> new CsvRenderer(out);
            case zeek -> new ZeekConnLogRenderer(out, store, clock);
            case html -> new HtmlReport(out, store, title, clock, !ordered);
        };
        if (filter != null) {
            sink = new FilteredSink(sink, filter, store);
        }
        return new Report(sink, store);
    }

    /** what an {@link IdOrderedOutput} writes between two sessions' texts in this format (null: nothing) */
    public static String separator(ReportFormat format) {
        return format == ReportFormat.html ? HtmlReport.ROW_SEPARATOR : null;
    }

    /** Renders only the sessions a filter accepts; frees the packet data of the others. */
    static final class FilteredSink implements SessionSink {
        private final SessionSink next;
        private final Predicate<SessionRecord> filter;
        private final PacketStore store;

        FilteredSink(SessionSink next, Predicate<SessionRecord> filter, PacketStore store) {
            this.next = next;
            this.filter = filter;
            this.store = store;
        }

        @Override
        public void session(SessionRecord r) throws IOException {
            if (filter.test(r)) {
                next.session(r);
            } else if (store != null) {
                store.take(r.id());
            }
        }

        @Override
        public void finish(RunTotals totals) throws IOException {
            next.finish(totals);
        }
    }
}
