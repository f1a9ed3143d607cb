package io.tcplens.cli.render;

import io.tcplens.analyzer.session.SessionRecord;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: a header row, then one row per session with the JSON Lines fields flattened
 * ({@code handshake.status} → {@code handshake_status}, {@code anomalies.c2s.retransmission} →
 * {@code anomalies_c2s_retransmission}), plus {@code start_iso}/{@code end_iso}, the times in
 * ISO-8601 UTC. Each row is the walk of the JSON Lines fields ({@link RecordFields}), so the two formats
 * cannot disagree and a field added to JSON Lines appears here too. {@code null} is an empty field.
 * Written here rather than with a CSV library: quoting (fields with a comma, quote, CR or LF are
 * quoted, quotes doubled) and CRLF line ends are all RFC 4180 asks; tests read it with Commons CSV.
 */
public final class CsvRenderer implements SessionSink {

    static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Writer out;

    /**
     * Writes the header row at once: it names the JSON Lines fields, which every session has (a
     * null is a field too), so it does not depend on a session and comes first whatever order the
     * sessions are rendered in.
     */
    public CsvRenderer(Writer out) throws IOException {
        this(out, true);
    }

    private CsvRenderer(Writer out, boolean writeHeader) throws IOException {
        this.out = out;
        if (writeHeader) {
            writeRow(Header.ROW);
        }
    }

    /** a renderer that only flattens (writes no header row): for {@link TemplateRecord#csvHeader()} */
    static CsvRenderer flattener() throws IOException {
        return new CsvRenderer(Writer.nullWriter(), false);
    }

    /** the header row: the JSON Lines field names, the same for every session (made once, when first needed) */
    private static final class Header {
        static final List<String> ROW = List.copyOf(TemplateRecord.csvHeader());
    }

    /** ISO-8601 UTC with nanoseconds, e.g. 2024-05-01T12:00:00.123456789Z */
    public static String iso(long epochNs) {
        return ISO.format(Instant.ofEpochSecond(Math.floorDiv(epochNs, 1_000_000_000L),
                Math.floorMod(epochNs, 1_000_000_000L)));
    }

    /** Writes the session's row straight from the walk: the values {@link #flatten} lists, quoted, in its order. */
    @Override
    public void session(SessionRecord r) throws IOException {
        row.setLength(0);
        rowWriter.first = true;
        rowWriter.depth = 0;
        rowWriter.record = r;
        RecordFields.walk(r, rowWriter);
        row.append("\r\n");
        int n = row.length();
        if (chars.length < n) {
            chars = new char[Math.max(n, 2 * chars.length)];
        }
        row.getChars(0, n, chars, 0);
        out.write(chars, 0, n);
    }

    private final StringBuilder row = new StringBuilder(4096);
    private char[] chars = new char[4096];
    private final RowWriter rowWriter = new RowWriter();

    /** one row's values, appended to {@link #row} as the walk visits them (no names, nothing per field allocated) */
    private final class RowWriter implements RecordFields.Visitor {
        boolean first;
        int depth;
        private SessionRecord record;

        @Override
        public void begin(String name) {
            depth++;
        }

        @Override
        public void end() {
            depth--;
        }

        @Override
        public void number(String name, long value) {
            separator();
            row.append(value);
            if (depth == 0 && name.equals("end_ns")) {
                separator();
                row.append(iso(record.startNs()));
                separator();
                row.append(iso(record.endNs()));
            }
        }

        @Override
        public void string(String name, String value) {
            separator();
            row.append(quote(value));
        }

        @Override
        public void bool(String name, boolean value) {
            separator();
            row.append(value ? "true" : "false");
        }

        @Override
        public void nil(String name) {
            separator();
        }

        private void separator() {
            if (!first) {
                row.append(',');
            }
            first = false;
        }
    }

    /** (name, value) pairs in JSON Lines order; value null for JSON null */
    List<String[]> flatten(SessionRecord r) {
        List<String[]> fields = new ArrayList<>(112);
        RecordFields.walk(r, new RecordFields.Visitor() {
            private final StringBuilder prefix = new StringBuilder();
            private final int[] marks = new int[8];
            private int depth;

            @Override
            public void begin(String name) {
                marks[depth++] = prefix.length();
                prefix.append(name).append('_');
            }

            @Override
            public void end() {
                prefix.setLength(marks[--depth]);
            }

            @Override
            public void number(String name, long value) {
                add(name, Long.toString(value));
                if (depth == 0 && name.equals("end_ns")) {
                    fields.add(new String[] {"start_iso", iso(r.startNs())});
                    fields.add(new String[] {"end_iso", iso(r.endNs())});
                }
            }

            @Override
            public void string(String name, String value) {
                add(name, value);
            }

            @Override
            public void bool(String name, boolean value) {
                add(name, value ? "true" : "false");
            }

            @Override
            public void nil(String name) {
                add(name, null);
            }

            private void add(String name, String value) {
                fields.add(new String[] {depth == 0 ? name : prefix + name, value});
            }
        });
        return fields;
    }

    private void writeRow(List<String> values) throws IOException {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(quote(values.get(i)));
        }
        out.write("\r\n");
    }

    /** RFC 4180 §2: fields containing a comma, double quote, CR or LF are quoted, quotes doubled */
    static String quote(String v) {
        if (v == null) {
            return "";
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ',' || c == '"' || c == '\r' || c == '\n') {
                return '"' + v.replace("\"", "\"\"") + '"';
            }
        }
        return v;
    }

    @Override
    public void finish(RunTotals totals) throws IOException {
        out.flush();
    }
}
