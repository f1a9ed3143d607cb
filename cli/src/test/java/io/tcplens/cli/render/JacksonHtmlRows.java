package io.tcplens.cli.render;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tcplens.analyzer.session.Role;
import io.tcplens.analyzer.session.SessionRecord;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;

/**
 * Test oracle: the HTML report's session rows as they were written with jackson-core's generator
 * (a generator per row into a StringWriter, every '<' replaced afterwards), kept to check that
 * {@link HtmlReport}'s hand-written rows are the same bytes.
 */
final class JacksonHtmlRows implements HtmlReport.Rows {

    private final JsonFactory factory = new JsonFactory();

    @Override
    public void write(SessionRecord r, PacketStore.Packets p, Writer out) throws IOException {
        StringWriter buffer = new StringWriter();
        JsonGenerator g = factory.createGenerator(buffer);
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
        Role closer = r.close().initiator();
        if (closer == null) {
            g.writeNull();
        } else {
            g.writeString(closer.jsonName());
        }
        g.writeString(r.close().kind().jsonName());
        g.writeString(r.zeek().connState());
        g.writeString(r.zeek().history());
        StringBuilder names = new StringBuilder();
        long anomalies = HtmlReport.anomalyText(names, r.anomalies().c2s(), "c→s")
                + HtmlReport.anomalyText(names, r.anomalies().s2c(), "s→c");
        g.writeNumber(anomalies);
        g.writeString(r.clientState().rfcName());
        g.writeString(r.serverState().rfcName());
        g.writeString(r.endReason().jsonName());
        g.writeNumber(r.packets());
        g.writeStartArray();
        for (int i = 0; i < p.count(); i++) {
            g.writeNumber(r.sinceStart(p.tsNs(i)) / 1000.0);
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
        if (p.notKept() > 0) {
            g.writeNumber(p.notKept());
        }
        g.writeEndArray();
        g.close();
        out.write(buffer.toString().replace("<", "\\u003c"));
    }
}
