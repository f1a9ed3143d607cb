package io.tcplens.cli.render;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tcplens.analyzer.session.Anomaly;
import io.tcplens.analyzer.session.Diagnosis;
import io.tcplens.analyzer.session.Role;
import io.tcplens.analyzer.session.SessionRecord;

import java.io.IOException;
import java.io.Writer;
import java.util.Map;

/**
 * Test oracle: JSON Lines as tcplens wrote them with jackson-core's generator before
 * {@link JsonLine} replaced it; {@link JsonLinesRendererTest} compares the two byte for byte.
 */
final class JacksonJsonLines implements SessionSink {

    private final JsonGenerator json;
    private final Writer out;

    JacksonJsonLines(Writer out) throws IOException {
        this.out = out;
        this.json = new JsonFactory().createGenerator(out);
        json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        json.configure(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM, false);
        json.setRootValueSeparator(null); // we end each object with a newline ourselves
    }

    @Override
    public void session(SessionRecord r) throws IOException {
        json.writeStartObject();
        json.writeNumberField("id", r.id());
        json.writeNumberField("ip_version", r.ipVersion());
        json.writeStringField("client_addr", r.clientAddr());
        json.writeNumberField("client_port", r.clientPort());
        json.writeStringField("server_addr", r.serverAddr());
        json.writeNumberField("server_port", r.serverPort());
        json.writeStringField("client_basis", r.clientBasis().jsonName());
        json.writeNumberField("start_ns", r.startNs());
        json.writeNumberField("end_ns", r.endNs());
        json.writeNumberField("duration_ns", r.durationNs());
        json.writeNumberField("packets_c2s", r.packetsC2s());
        json.writeNumberField("packets_s2c", r.packetsS2c());
        json.writeNumberField("bytes_c2s", r.bytesC2s());
        json.writeNumberField("bytes_s2c", r.bytesS2c());
        json.writeNumberField("syn_packets", r.synPackets());
        json.writeNumberField("synack_packets", r.synackPackets());
        json.writeNumberField("fin_c2s", r.finC2s());
        json.writeNumberField("fin_s2c", r.finS2c());
        json.writeNumberField("rst_c2s", r.rstC2s());
        json.writeNumberField("rst_s2c", r.rstS2c());
        json.writeStringField("outcome", r.outcome().jsonName());
        json.writeStringField("end_reason", r.endReason().jsonName());
        json.writeStringField("client_state", r.clientState().rfcName());
        json.writeStringField("server_state", r.serverState().rfcName());
        json.writeNumberField("completeness", r.completeness());
        json.writeNumberField("fragments_dropped", r.fragmentsDropped());
        json.writeStringField("conn_state", r.zeek().connState());
        json.writeStringField("history", r.zeek().history());
        json.writeStringField("zeek_originator", r.zeek().originator().jsonName());
        Diagnosis d = r.diagnosis();
        json.writeObjectFieldStart("diagnosis");
        json.writeStringField("code", d.code());
        json.writeStringField("text", d.text());
        json.writeEndObject();

        SessionRecord.HandshakeInfo hs = r.handshake();
        json.writeObjectFieldStart("handshake");
        json.writeStringField("status", hs.status().jsonName());
        nullableNumber("syn_ns", hs.synNs());
        nullableNumber("synack_ns", hs.synackNs());
        nullableNumber("ack_ns", hs.ackNs());
        nullableNumber("rtt_ns", hs.rttNs());
        json.writeNumberField("syn_retries", hs.synRetries());
        json.writeBooleanField("simultaneous_open", hs.simultaneousOpen());
        json.writeEndObject();

        SessionRecord.CloseInfo c = r.close();
        json.writeObjectFieldStart("close");
        nullableRole("initiator", c.initiator());
        json.writeStringField("kind", c.kind().jsonName());
        json.writeBooleanField("complete", c.complete());
        json.writeBooleanField("half_close", c.halfClose());
        json.writeBooleanField("simultaneous", c.simultaneous());
        nullableRole("reset_by", c.resetBy());
        nullableNumber("client_fin_ns", c.clientFinNs());
        nullableNumber("server_fin_ns", c.serverFinNs());
        nullableNumber("reset_ns", c.resetNs());
        json.writeEndObject();

        json.writeObjectFieldStart("anomalies");
        anomalies("c2s", r.anomalies().c2s());
        anomalies("s2c", r.anomalies().s2c());
        json.writeEndObject();

        endpoint("client", r.clientInfo());
        endpoint("server", r.serverInfo());

        json.writeEndObject();
        json.flush();
        out.write('\n');
    }

    private void anomalies(String name, Map<Anomaly, Long> counts) throws IOException {
        json.writeObjectFieldStart(name);
        for (Anomaly a : Anomaly.values()) {
            json.writeNumberField(a.jsonName(), counts.getOrDefault(a, 0L));
        }
        json.writeEndObject();
    }

    private void endpoint(String name, SessionRecord.EndpointInfo e) throws IOException {
        json.writeObjectFieldStart(name);
        optionalInt("mss", e.mss());
        optionalInt("window_scale", e.windowScale());
        json.writeBooleanField("sack_permitted", e.sackPermitted());
        json.writeBooleanField("timestamps", e.timestamps());
        if (e.lastWindow() < 0) {
            json.writeNullField("last_window");
        } else {
            json.writeNumberField("last_window", e.lastWindow());
        }
        json.writeNumberField("unique_bytes", e.uniqueBytes());
        json.writeNumberField("data_segments", e.dataSegments());
        json.writeNumberField("rtt_samples", e.rttSamples());
        nullableNumber("rtt_min_ns", e.rttMinNs());
        nullableNumber("rtt_mean_ns", e.rttMeanNs());
        nullableNumber("rtt_max_ns", e.rttMaxNs());
        json.writeNumberField("zero_window_episodes", e.zeroWindowEpisodes());
        json.writeNumberField("zero_window_ns", e.zeroWindowNs());
        json.writeNumberField("oversize_segments", e.oversizeSegments());
        json.writeNumberField("bad_checksums", e.badChecksums());
        json.writeNumberField("malformed_segments", e.malformedSegments());
        json.writeStringField("final_state", e.finalState().rfcName());
        json.writeEndObject();
    }

    private void optionalInt(String name, int v) throws IOException {
        if (v < 0) {
            json.writeNullField(name);
        } else {
            json.writeNumberField(name, v);
        }
    }

    private void nullableNumber(String name, Long v) throws IOException {
        if (v == null) {
            json.writeNullField(name);
        } else {
            json.writeNumberField(name, v);
        }
    }

    private void nullableRole(String name, Role r) throws IOException {
        if (r == null) {
            json.writeNullField(name);
        } else {
            json.writeStringField(name, r.jsonName());
        }
    }

    @Override
    public void finish(RunTotals totals) throws IOException {
        json.flush();
        out.flush();
    }
}
