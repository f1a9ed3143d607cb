package io.tcplens.cli.render;

import io.tcplens.analyzer.session.Anomaly;
import io.tcplens.analyzer.session.Diagnosis;
import io.tcplens.analyzer.session.Role;
import io.tcplens.analyzer.session.SessionRecord;

import java.util.Map;

/**
 * The JSON Lines contract of DESIGN §3, once: every field of a session record, in order, with its
 * name and nesting. Formats are visitors ({@link Visitor}): JSON Lines writes them as one object
 * ({@link JsonLine}), CSV flattens the same walk into columns. A field added here appears in both.
 * Names are never renamed; new fields may be added.
 */
final class RecordFields {

    private RecordFields() {
    }

    /** What a format does with each field; {@code null} values are JSON null. */
    interface Visitor {
        void begin(String name);      // a nested object

        void end();

        void number(String name, long value);

        void string(String name, String value);

        void bool(String name, boolean value);

        void nil(String name);
    }

    static void walk(SessionRecord r, Visitor v) {
        v.number("id", r.id());
        v.number("ip_version", r.ipVersion());
        v.string("client_addr", r.clientAddr());
        v.number("client_port", r.clientPort());
        v.string("server_addr", r.serverAddr());
        v.number("server_port", r.serverPort());
        v.string("client_basis", r.clientBasis().jsonName());
        v.number("start_ns", r.startNs());
        v.number("end_ns", r.endNs());
        v.number("duration_ns", r.durationNs());
        v.number("packets_c2s", r.packetsC2s());
        v.number("packets_s2c", r.packetsS2c());
        v.number("bytes_c2s", r.bytesC2s());
        v.number("bytes_s2c", r.bytesS2c());
        v.number("syn_packets", r.synPackets());
        v.number("synack_packets", r.synackPackets());
        v.number("fin_c2s", r.finC2s());
        v.number("fin_s2c", r.finS2c());
        v.number("rst_c2s", r.rstC2s());
        v.number("rst_s2c", r.rstS2c());
        v.string("outcome", r.outcome().jsonName());
        v.string("end_reason", r.endReason().jsonName());
        v.string("client_state", r.clientState().rfcName());
        v.string("server_state", r.serverState().rfcName());
        v.number("completeness", r.completeness());
        v.number("fragments_dropped", r.fragmentsDropped());
        v.string("conn_state", r.zeek().connState());
        v.string("history", r.zeek().history());
        v.string("zeek_originator", r.zeek().originator().jsonName());
        Diagnosis d = r.diagnosis();
        v.begin("diagnosis");
        v.string("code", d.code());
        v.string("text", d.text());
        v.end();

        SessionRecord.HandshakeInfo hs = r.handshake();
        v.begin("handshake");
        v.string("status", hs.status().jsonName());
        nullable(v, "syn_ns", hs.synNs());
        nullable(v, "synack_ns", hs.synackNs());
        nullable(v, "ack_ns", hs.ackNs());
        nullable(v, "rtt_ns", hs.rttNs());
        v.number("syn_retries", hs.synRetries());
        v.bool("simultaneous_open", hs.simultaneousOpen());
        v.end();

        SessionRecord.CloseInfo c = r.close();
        v.begin("close");
        role(v, "initiator", c.initiator());
        v.string("kind", c.kind().jsonName());
        v.bool("complete", c.complete());
        v.bool("half_close", c.halfClose());
        v.bool("simultaneous", c.simultaneous());
        role(v, "reset_by", c.resetBy());
        nullable(v, "client_fin_ns", c.clientFinNs());
        nullable(v, "server_fin_ns", c.serverFinNs());
        nullable(v, "reset_ns", c.resetNs());
        v.end();

        v.begin("anomalies");
        anomalies(v, "c2s", r.anomalies().c2s());
        anomalies(v, "s2c", r.anomalies().s2c());
        v.end();

        endpoint(v, "client", r.clientInfo());
        endpoint(v, "server", r.serverInfo());
    }

    private static void anomalies(Visitor v, String name, Map<Anomaly, Long> counts) {
        v.begin(name);
        for (Anomaly a : Anomaly.values()) {
            Long n = counts.get(a);
            v.number(a.jsonName(), n == null ? 0 : n);
        }
        v.end();
    }

    private static void endpoint(Visitor v, String name, SessionRecord.EndpointInfo e) {
        v.begin(name);
        optionalInt(v, "mss", e.mss());
        optionalInt(v, "window_scale", e.windowScale());
        v.bool("sack_permitted", e.sackPermitted());
        v.bool("timestamps", e.timestamps());
        if (e.lastWindow() < 0) {
            v.nil("last_window");
        } else {
            v.number("last_window", e.lastWindow());
        }
        v.number("unique_bytes", e.uniqueBytes());
        v.number("data_segments", e.dataSegments());
        v.number("rtt_samples", e.rttSamples());
        nullable(v, "rtt_min_ns", e.rttMinNs());
        nullable(v, "rtt_mean_ns", e.rttMeanNs());
        nullable(v, "rtt_max_ns", e.rttMaxNs());
        v.number("zero_window_episodes", e.zeroWindowEpisodes());
        v.number("zero_window_ns", e.zeroWindowNs());
        v.number("oversize_segments", e.oversizeSegments());
        v.number("bad_checksums", e.badChecksums());
        v.number("malformed_segments", e.malformedSegments());
        v.string("final_state", e.finalState().rfcName());
        v.end();
    }

    private static void optionalInt(Visitor v, String name, int value) {
        if (value < 0) {
            v.nil(name);
        } else {
            v.number(name, value);
        }
    }

    private static void nullable(Visitor v, String name, Long value) {
        if (value == null) {
            v.nil(name);
        } else {
            v.number(name, value);
        }
    }

    private static void role(Visitor v, String name, Role r) {
        if (r == null) {
            v.nil(name);
        } else {
            v.string(name, r.jsonName());
        }
    }
}
