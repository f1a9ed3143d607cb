package io.tcplens.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.session.PacketListener;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.capture.CaptureFiles;
import io.tcplens.capture.PacketSource;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link PacketTable} (issue 13, item 14) holds one chunk of packets in memory however long the
 * session, and writes the bytes the table held row by row wrote ({@link RowPacketTable}).
 */
class PacketTableTest {

    /** sessions shown per capture */
    private static final int SESSIONS = 12;

    @Test
    void aQuarterMillionPacketSessionHoldsOneChunk() throws Exception {
        int packets = 250_000;
        PacketTable table = new PacketTable(1);
        long[] mostHeld = {0};
        List<SessionRecord> records = new ArrayList<>();
        Analyzer analyzer = new Analyzer(records::add);
        analyzer.setPacketListener((s, fromA, seg, tsNs, phase) -> {
            table.onPacket(s, fromA, seg, tsNs, phase);
            mostHeld[0] = Math.max(mostHeld[0], table.heldBytes());
        });
        RawTcp tcp = new RawTcp(analyzer);
        long t = 1_700_000_000_000_000_000L;
        tcp.handshake(t, 0);             // session 0: another one, not shown
        tcp.handshake(t + 10_000, 1);    // session 1: 3 packets 1 µs apart, then one every µs
        for (int k = 0; k < packets - 3; k++) {
            tcp.data(t + 13_000 + 1_000L * k, 1, k);
        }
        analyzer.finish();
        assertEquals(2, records.size());
        SessionRecord r = records.get(1);
        assertEquals(1, r.id());
        assertEquals(packets, r.packets());
        // 250,000 = 61 * 4096 + 144: 61 chunks went to the file, 144 packets are in memory
        assertEquals(61L * 4096, table.spilledPackets());
        assertEquals(144, table.heldPackets());
        long chunkBytes = 16 + 4096L * 5 * 8;
        assertEquals(chunkBytes + 4096L * 5 * 8, mostHeld[0], "the chunk and the file buffer, nothing per packet");
        Path file = table.spillFile();
        assertNotNull(file);

        StringWriter streamed = new StringWriter();
        table.write(r, streamed);
        assertFalse(Files.exists(file), "the temporary file is deleted once the table is written");
        List<String> lines = streamed.toString().lines().toList();
        assertEquals(2 + packets, lines.size());
        // packet 4, the first data packet (PSH+ACK, tcpdump's "P."): 10 bytes 3 µs after the SYN, client
        // seq 1 (ISN 1000 + 1), ack 1 (ISN 5000 + 1)
        assertEquals("     4  +0.000003  c→s  P.             1          1     10  65535  data       client ESTABLISHED → server ESTABLISHED",
                lines.get(2 + 3));
        // the last, k = 249,996 (even: the client's 124,999th segment): seq 1 + 10 * 124,998, 0.249999 s after the SYN
        assertEquals("  250000  +0.249999  c→s  P.       1249981          1     10  65535  data       client ESTABLISHED → server ESTABLISHED",
                lines.get(2 + packets - 1));
    }

    /** the first sessions of every sample and corpus capture, with chunks of 3 packets (most go through the file) */
    @TestFactory
    Stream<DynamicTest> sameBytesAsTheRowTableOnTheCorpus() throws Exception {
        return JsonLinesRendererTest.captures().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            List<PacketTable> tables = new ArrayList<>();
            List<RowPacketTable> oracles = new ArrayList<>();
            for (int id = 0; id < SESSIONS; id++) {
                tables.add(new PacketTable(id, 3));
                oracles.add(new RowPacketTable(id));
            }
            Map<Long, SessionRecord> records = new HashMap<>();
            Analyzer a = new Analyzer(r -> records.put(r.id(), r));
            a.setPacketListener((s, fromA, seg, tsNs, phase) -> {
                if (s.id() < SESSIONS) {
                    tables.get((int) s.id()).onPacket(s, fromA, seg, tsNs, phase);
                    oracles.get((int) s.id()).onPacket(s, fromA, seg, tsNs, phase);
                }
            });
            try (PacketSource src = CaptureFiles.open(p)) {
                src.readAll(a::onFrame);
            } catch (io.tcplens.capture.CaptureException e) {
                return;   // not a capture the reader opens: nothing to render
            }
            a.finish();
            for (int id = 0; id < SESSIONS && records.containsKey((long) id); id++) {
                StringWriter expected = new StringWriter();
                oracles.get(id).write(records.get((long) id), expected);
                StringWriter actual = new StringWriter();
                try (PacketTable table = tables.get(id)) {
                    table.write(records.get((long) id), actual);
                }
                assertEquals(expected.toString(), actual.toString(), p + " session " + id);
            }
        }));
    }
}
