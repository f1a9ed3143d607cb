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

    @Override
    public void session(SessionRecord r) throws IOException {
        List<String[]> fields = flatten(r);
        List<String> values = new ArrayList<>(fields.size());
        for (String[] f : fields) {
            values.add(f[1]);
        }
        writeRow(values);
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
