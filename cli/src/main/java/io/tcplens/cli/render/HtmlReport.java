package io.tcplens.cli.render;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tcplens.analyzer.session.Anomaly;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.analyzer.session.TcpState;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * One self-contained HTML file (template {@code report.html}: inline CSS and JavaScript, no
 * network access needed to view it): headline figures, charts, a sortable and filterable session
 * table, and a ladder diagram per session drawn on demand when its row is clicked. Sessions are
 * streamed into the page as JSON as they arrive (nothing but the packets of sessions not yet
 * rendered is held in memory); each carries its first {@link PacketStore#maxPackets()} packets, or
 * fewer with, as the row's last element, the number of packets not kept over the store's memory budget.
 */
public final class HtmlReport implements SessionSink {

    /** packets kept per session for its ladder */
    public static final int MAX_PACKETS = 500;
    /** between two sessions' rows in the page's data */
    public static final String ROW_SEPARATOR = ",\n";
    static final String MARKER = "/*TCPLENS-DATA*/";

    private final Writer out;
    private final PacketStore packets;
    private final String suffix;
    private final JsonFactory factory = new JsonFactory();
    private final StringWriter buffer = new StringWriter();
    private final Rows rows;
    private final boolean separateRows;
    private boolean first = true;

    /** how a session's row (a JSON array) is written into the page */
    interface Rows {
        void write(SessionRecord r, PacketStore.Packets packets, Writer out) throws IOException;
    }

    public HtmlReport(Writer out, PacketStore packets, String title, Clock clock) throws IOException {
        this(out, packets, title, clock, true, null);
    }

    /**
     * @param separateRows false when each session's row is rendered on its own and put in order by an
     *                     {@link IdOrderedOutput}, which writes {@link #ROW_SEPARATOR} between them
     */
    public HtmlReport(Writer out, PacketStore packets, String title, Clock clock, boolean separateRows)
            throws IOException {
        this(out, packets, title, clock, separateRows, null);
    }

    /** with the rows written by {@code rows} (a test's oracle) instead of {@link #row} */
    HtmlReport(Writer out, PacketStore packets, String title, Clock clock, Rows rows) throws IOException {
        this(out, packets, title, clock, true, rows);
    }

    private HtmlReport(Writer out, PacketStore packets, String title, Clock clock, boolean separateRows, Rows rows)
            throws IOException {
        this.out = out;
        this.packets = packets;
        this.separateRows = separateRows;
        this.rows = rows != null ? rows : this::row;
        String template = template();
        int at = template.indexOf(MARKER);
        out.write(template, 0, at);
        this.suffix = template.substring(at + MARKER.length());
        JsonGenerator g = generator();
        g.writeStartObject();
        g.writeStringField("title", title);
        g.writeStringField("generated", CsvRenderer.iso(clock.millis() * 1_000_000L).substring(0, 19) + "Z");
        g.writeNumberField("max_packets", packets.maxPackets());
        g.writeArrayFieldStart("states");
        for (TcpState s : TcpState.values()) {
            g.writeString(s.rfcName());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("anomalies");
        for (Anomaly a : Anomaly.values()) {
            g.writeString(a.jsonName().replace('_', ' '));
        }
        g.writeEndArray();
        g.writeFieldName("sessions");
        g.writeStartArray();
        g.flush();
        flushBuffer();
    }

    static String template() {
        try (InputStream in = HtmlReport.class.getResourceAsStream("report.html")) {
            if (in == null) {
                throw new IllegalStateException("report.html template missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonGenerator generator() throws IOException {
        JsonGenerator g = factory.createGenerator(buffer);
        g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        return g;
    }

    /** the JSON so far, with '<' escaped so that no "</script>" can end the data block */
    private void flushBuffer() throws IOException {
        out.write(buffer.toString().replace("<", "\\u003c"));
        buffer.getBuffer().setLength(0);
    }

    /**
     * The session's row, a JSON array, written by hand ({@link JsonLine}): the bytes jackson-core's
     * generator wrote, '<' escaped (a test compares the pages on every corpus session).
     */
    @Override
    public void session(SessionRecord r) throws IOException {
        PacketStore.Packets p = packets.take(r.id());
        if (separateRows && !first) {
            out.write(ROW_SEPARATOR);
        }
        first = false;
        rows.write(r, p, out);
    }

    private void row(SessionRecord r, PacketStore.Packets p, Writer out) throws IOException {
        JsonLine j = json;
        j.startValue();
        j.beginArray();
        j.value(r.id());
        j.value(r.ipVersion());
        j.value(Units.endpoint(r.clientAddr(), r.clientPort()));
        j.value(Units.endpoint(r.serverAddr(), r.serverPort()));
        j.value(Math.floorDiv(r.startNs(), 1000L));
        j.value(r.durationNs() / 1000.0);
        j.value(r.packetsC2s());
        j.value(r.packetsS2c());
        j.value(r.bytesC2s());
        j.value(r.bytesS2c());
        j.value(r.outcome().jsonName());
        j.value(r.diagnosis().code());
        j.value(r.diagnosis().text());
        j.value(r.handshake().status().jsonName());
        if (r.handshake().rttNs() == null) {
            j.value((String) null);
        } else {
            j.value(r.handshake().rttNs() / 1000.0);
        }
        j.value(r.close().initiator() == null ? null : r.close().initiator().jsonName());
        j.value(r.close().kind().jsonName());
        j.value(r.zeek().connState());
        j.value(r.zeek().history());
        long anomalies = 0;
        StringBuilder names = new StringBuilder();
        anomalies += anomalyText(names, r.anomalies().c2s(), "c→s");
        anomalies += anomalyText(names, r.anomalies().s2c(), "s→c");
        j.value(anomalies);
        j.value(r.clientState().rfcName());
        j.value(r.serverState().rfcName());
        j.value(r.endReason().jsonName());
        j.value(r.packets());
        j.beginArray();
        for (int i = 0; i < p.count(); i++) {
            j.value(r.sinceStart(p.tsNs(i)) / 1000.0);
            j.value(p.fromClient(i) ? 0 : 1);
            j.value(p.flags(i));
            j.value(p.relSeq(i));
            j.value(p.relAck(i));
            j.value(p.length(i));
            j.value(p.window(i));
            j.value(p.phase(i));
            j.value(p.senderState(i));
            j.value(p.receiverState(i));
            j.value(p.anomalies(i));
        }
        j.endArray();
        j.value(names.toString());
        if (p.notKept() > 0) {
            j.value(p.notKept());   // only then: the pages of sessions within the budget are as before
        }
        j.endArray();
        j.writeHtmlSafeTo(out);
    }

    private final JsonLine json = new JsonLine();

    static long anomalyText(StringBuilder sb, Map<Anomaly, Long> counts, String dir) {
        long n = 0;
        for (Anomaly a : Anomaly.values()) {
            long c = counts.getOrDefault(a, 0L);
            if (c > 0) {
                sb.append(sb.length() > 0 ? ", " : "").append(a.jsonName().replace('_', ' '))
                  .append(" ×").append(c).append(' ').append(dir);
                n += c;
            }
        }
        return n;
    }

    @Override
    public void finish(RunTotals totals) throws IOException {
        JsonGenerator g = generator();
        // continues the object opened in the constructor: close "sessions", add the totals
        buffer.write("],\"totals\":");
        g.writeStartObject();
        g.writeNumberField("frames", totals.frames());
        g.writeNumberField("tcp", totals.tcpSegments());
        g.writeNumberField("other", totals.otherFrames());
        g.writeArrayFieldStart("warnings");
        for (String w : totals.warnings()) {
            g.writeString(w);
        }
        g.writeEndArray();
        g.writeEndObject();
        g.flush();
        buffer.write('}');
        flushBuffer();
        out.write(suffix);
        out.flush();
    }
}
