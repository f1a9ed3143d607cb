package io.tcplens.cli;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.capture.CaptureFiles;
import io.tcplens.capture.PacketSource;
import io.tcplens.capture.ReadResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The analyzer's per-packet path (decode, session lookup, state machine) allocates nothing per
 * packet: what a session allocates (its object, endpoints, timeline steps, its record) is paid once
 * per session. Measured with the thread's allocated-bytes counter around feeding one capture
 * held in memory.
 */
class AnalyzerAllocationTest {

    static final Path CORPUS = Path.of(System.getProperty("tcplens.corpus", "../../shared/pcaps/public"));

    /** capinfos: 878 packets; tshark -z conv,tcp: one conversation 192.168.1.10:60706 ↔ 192.168.2.20:12345 */
    static final int PACKETS = 878;

    /**
     * Bound on bytes allocated while feeding all {@value #PACKETS} frames to a fresh analyzer.
     * The smallest Java object is 16 bytes, so any object per packet costs at least
     * 16 × 878 = 14,048 bytes; any per-packet boxing, iterator or key object therefore breaks an
     * 8 KiB bound. What remains is per session (one here): the session and its two endpoints,
     * a handful of timeline steps and the table entry (the SessionRecord is made in finish(),
     * outside the measurement) — 1,040 bytes measured on OpenJDK 17.0.15.
     */
    static final long BOUND_BYTES = 8 * 1024;

    record Frames(long[] ts, int[] linkType, int[] ifId, byte[][] data, int[] origLen) {
        void feed(Analyzer a) {
            for (int i = 0; i < data.length; i++) {
                a.onFrame(ts[i], linkType[i], ifId[i], data[i], 0, data[i].length, origLen[i]);
            }
        }
    }

    static Frames load(Path p) throws Exception {
        List<long[]> meta = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        try (PacketSource src = CaptureFiles.open(p)) {
            ReadResult r = src.readAll((ts, lt, ifId, data, off, caplen, len) -> {
                meta.add(new long[] {ts, lt, ifId, len});
                bytes.add(Arrays.copyOfRange(data, off, off + caplen)); // the reader reuses its buffer
            });
            assertNull(r.warning());
        }
        int n = bytes.size();
        long[] ts = new long[n];
        int[] lt = new int[n];
        int[] ifId = new int[n];
        int[] orig = new int[n];
        for (int i = 0; i < n; i++) {
            ts[i] = meta.get(i)[0];
            lt[i] = (int) meta.get(i)[1];
            ifId[i] = (int) meta.get(i)[2];
            orig[i] = (int) meta.get(i)[3];
        }
        return new Frames(ts, lt, ifId, bytes.toArray(byte[][]::new), orig);
    }

    @Test
    void perPacketPathAllocatesNothing() throws Exception {
        Path capture = CORPUS.resolve("zeek/tcp/timestamp.pcap");
        Assumptions.assumeTrue(Files.isRegularFile(capture), "public corpus not found: " + capture);
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported(), "JVM cannot count allocated bytes");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();

        Frames frames = load(capture);
        assertEquals(PACKETS, frames.data().length);

        // warm-up: class loading and linkage happen here, not in the measured pass
        for (int i = 0; i < 3; i++) {
            List<SessionRecord> out = new ArrayList<>(4);
            Analyzer warm = new Analyzer(out::add);
            frames.feed(warm);
            warm.finish();
            assertEquals(1, out.size());
            assertEquals(PACKETS, out.get(0).packets());
        }

        long[] counted = new long[1];
        Analyzer analyzer = new Analyzer(r -> counted[0] += r.packets());
        mx.getThreadAllocatedBytes(tid); // the first call may allocate itself
        long before = mx.getThreadAllocatedBytes(tid);
        frames.feed(analyzer);
        long after = mx.getThreadAllocatedBytes(tid);
        long allocated = after - before;

        analyzer.finish();
        assertEquals(PACKETS, counted[0], "one session with every packet");
        assertEquals(PACKETS, analyzer.stats().tcpSegments());
        System.out.println("analyzer: " + allocated + " bytes allocated for " + PACKETS + " packets of one session");
        assertTrue(allocated < BOUND_BYTES, allocated + " bytes allocated for " + PACKETS
                + " packets: something is allocated per packet");
    }
}
