package io.tcplens.cli.render;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tcplens.analyzer.session.Anomaly;
import io.tcplens.analyzer.session.Role;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.analyzer.session.TcpState;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Clock;
import java.util.Map;

/**
 * Test oracle: {@link HtmlReport} as it was written with jackson-core's generator, kept to check
 * that the hand-written session rows are the same bytes. The original's documentation follows.
 *
 * <p>One self-contained HTML file (template {@code report.html}: inline CSS and JavaScript, no
 * network access needed to view it): headline figures, charts, a sortable and filterable session
 * table, and a ladder diagram per session drawn on demand when its row is clicked. Sessions are
 * streamed into the page as JSON as they arrive (nothing but the packets of sessions not yet
 * rendered is held in memory); each carries its first {@link PacketStore#maxPackets()} packets.
 */
final class JacksonHtmlReport implements SessionSink {

    /** packets kept per session for its ladder */
    static final String MARKER = HtmlReport.MARKER;

    private final Writer out;
    private final PacketStore packets;
    private final String suffix;
    private final JsonFactory factory = new JsonFactory();
    private final StringWriter buffer = new StringWriter();
    private boolean first = true;

    JacksonHtmlReport(Writer out, PacketStore packets, String title, Clock clock) throws IOException {
        this.out = out;
        this.packets = packets;
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
        return HtmlReport.template();
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

    @Override
    public void session(SessionRecord r) throws IOException {
        PacketStore.Packets p = packets.take(r.id());
        if (!first) {
            buffer.write(",\n");
        }
        first = false;
        JsonGenerator g = generator();
        g.writeStartArray();
        g.writeNumber(r.id());
        g.writeNumber(r.ipVersion());
        g.writeString(Units.endpoint(r.clientAddr(), r.clientPort()));
        g.writeString(Units.endpoint(r.serverAddr(), r.serverPort()));
        g.writeNumber(Math.floorDiv(r.startNs(), 1000L));
        g.writeNumber(r.durationNs() / 1000.0);
        g.writeNumber(r.packetsC2s());
        g.writeNumber(r.packetsS2c());
        g.writeNumber(r.bytesC2s());
        g.writeNumber(r.bytesS2c());
        g.writeString(r.outcome().jsonName());
        g.writeString(r.diagnosis().code());
        g.writeString(r.diagnosis().text());
        g.writeString(r.handshake().status().jsonName());
        if (r.handshake().rttNs() == null) {
            g.writeNull();
        } else {
            g.writeNumber(r.handshake().rttNs() / 1000.0);
        }
        role(g, r.close().initiator());
        g.writeString(r.close().kind().jsonName());
        g.writeString(r.zeek().connState());
        g.writeString(r.zeek().history());
        long anomalies = 0;
        StringBuilder names = new StringBuilder();
        anomalies += anomalyText(names, r.anomalies().c2s(), "c→s");
        anomalies += anomalyText(names, r.anomalies().s2c(), "s→c");
        g.writeNumber(anomalies);
        g.writeString(r.clientState().rfcName());
        g.writeString(r.serverState().rfcName());
        g.writeString(r.endReason().jsonName());
        g.writeNumber(r.packets());
        g.writeStartArray();
        for (int i = 0; i < p.count(); i++) {
            g.writeNumber((p.tsNs(i) - r.startNs()) / 1000.0);
            g.writeNumber(p.fromClient(i) ? 0 : 1);
            g.writeNumber(p.flags(i));
            g.writeNumber(p.relSeq(i));
            g.writeNumber(p.relAck(i));
            g.writeNumber(p.length(i));
            g.writeNumber(p.window(i));
            g.writeNumber(p.phase(i));
            g.writeNumber(p.senderState(i));
            g.writeNumber(p.receiverState(i));
            g.writeNumber(p.anomalies(i));
        }
        g.writeEndArray();
        g.writeString(names.toString());
        g.writeEndArray();
        g.flush();
        flushBuffer();
    }

    private static long anomalyText(StringBuilder sb, Map<Anomaly, Long> counts, String dir) {
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

    private static void role(JsonGenerator g, Role r) throws IOException {
        if (r == null) {
            g.writeNull();
        } else {
            g.writeString(r.jsonName());
        }
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
