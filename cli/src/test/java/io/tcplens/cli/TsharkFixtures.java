package io.tcplens.cli;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.session.InIdOrder;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.capture.CaptureException;
import io.tcplens.capture.CaptureFiles;
import io.tcplens.capture.PacketSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expected session records made from tshark 4.0 output by {@code tools/tshark-fixtures/make_fixtures.py}
 * (one TSV per capture, one row per {@code tcp.stream}), and the same fields from tcplens.
 */
final class TsharkFixtures {

    /** the contract fields compared, in fixture column names */
    static final List<String> FIELDS = List.of("id", "ip_version", "client_addr", "client_port", "server_addr",
            "server_port", "client_basis", "start_ns", "end_ns", "packets_c2s", "packets_s2c", "bytes_c2s",
            "bytes_s2c", "syn_packets", "synack_packets", "fin_c2s", "fin_s2c", "rst_c2s", "rst_s2c",
            "handshake_status", "syn_ns", "synack_ns", "ack_ns", "rtt_ns", "close_initiator", "close_kind",
            "close_complete", "completeness");

    private TsharkFixtures() {
    }

    /** the public capture corpus (system property tcplens.corpus), or the test is skipped with the reason */
    static Path corpus() {
        Path corpus = Path.of(System.getProperty("tcplens.corpus", "../../shared/pcaps/public"));
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(corpus), "public corpus not found at " + corpus);
        return corpus;
    }

    /** the repository's sample-pcaps/ folder */
    static Path samples() {
        return Path.of(System.getProperty("tcplens.samples", "../sample-pcaps"));
    }

    static List<Map<String, String>> read(Path tsv) {
        try {
            List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
            String[] header = lines.get(0).split("\t", -1);
            List<Map<String, String>> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] v = line.split("\t", -1);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.length; i++) {
                    row.put(header[i], i < v.length ? v[i] : "");
                }
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** tcplens' sessions of a capture, in order of id, with the default close linger. */
    static List<SessionRecord> analyze(Path capture, CaptureFiles.Reader reader, long idleTimeoutNs)
            throws CaptureException {
        List<SessionRecord> out = new ArrayList<>();
        Analyzer analyzer = new Analyzer(idleTimeoutNs, Analyzer.DEFAULT_CLOSE_LINGER_NS, new InIdOrder(out::add));
        try (PacketSource src = CaptureFiles.open(capture, reader)) {
            src.readAll(analyzer::onFrame);
        }
        analyzer.finish();
        return out;
    }

    /** The record as fixture columns: same names, same text for null ("") and booleans. */
    static Map<String, String> columns(SessionRecord r) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("id", Long.toString(r.id()));
        m.put("ip_version", Integer.toString(r.ipVersion()));
        m.put("client_addr", r.clientAddr());
        m.put("client_port", Integer.toString(r.clientPort()));
        m.put("server_addr", r.serverAddr());
        m.put("server_port", Integer.toString(r.serverPort()));
        m.put("client_basis", r.clientBasis().jsonName());
        m.put("start_ns", Long.toString(r.startNs()));
        m.put("end_ns", Long.toString(r.endNs()));
        m.put("packets_c2s", Long.toString(r.packetsC2s()));
        m.put("packets_s2c", Long.toString(r.packetsS2c()));
        m.put("bytes_c2s", Long.toString(r.bytesC2s()));
        m.put("bytes_s2c", Long.toString(r.bytesS2c()));
        m.put("syn_packets", Long.toString(r.synPackets()));
        m.put("synack_packets", Long.toString(r.synackPackets()));
        m.put("fin_c2s", Long.toString(r.finC2s()));
        m.put("fin_s2c", Long.toString(r.finS2c()));
        m.put("rst_c2s", Long.toString(r.rstC2s()));
        m.put("rst_s2c", Long.toString(r.rstS2c()));
        m.put("handshake_status", r.handshake().status().jsonName());
        m.put("syn_ns", text(r.handshake().synNs()));
        m.put("synack_ns", text(r.handshake().synackNs()));
        m.put("ack_ns", text(r.handshake().ackNs()));
        m.put("rtt_ns", text(r.handshake().rttNs()));
        m.put("close_initiator", r.close().initiator() == null ? "" : r.close().initiator().jsonName());
        m.put("close_kind", r.close().kind().jsonName());
        m.put("close_complete", Boolean.toString(r.close().complete()));
        m.put("completeness", Integer.toString(r.completeness()));
        return m;
    }

    private static String text(Long v) {
        return v == null ? "" : v.toString();
    }
}
