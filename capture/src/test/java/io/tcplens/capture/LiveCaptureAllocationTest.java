package io.tcplens.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The capture thread of a live capture allocates nothing per packet on the JNA path: measured with
 * {@code ThreadMXBean.getThreadAllocatedBytes} on that thread while it captures a bounded number of
 * real UDP datagrams on {@code lo}. The pcap4j path is measured the same way as a control (it
 * allocates a {@code byte[]}, a {@code Timestamp} and an {@code Integer} per packet), which shows the
 * counter does see per-packet garbage. Needs root (or the capture capabilities) and libpcap.
 */
class LiveCaptureAllocationTest {

    static final int WARM_UP = 5_000;
    static final int PACKETS = 20_000;

    static com.sun.management.ThreadMXBean mx;

    @BeforeAll
    static void needsRootLibpcapAndAllocationCounter() throws CaptureException {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean m
                && m.isThreadAllocatedMemorySupported(), "JVM cannot count allocated bytes per thread");
        mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        mx.setThreadAllocatedMemoryEnabled(true);
        assumeTrue(LiveCapture.isAvailable(), "needs libpcap: apt-get install libpcap0.8");
        boolean lo = LiveCapture.devices().stream().anyMatch(d -> d.name().equals("lo") && d.canCapture());
        assumeTrue(lo, "needs root (or cap_net_raw,cap_net_admin) to capture on lo");
    }

    /** Bytes the capture thread allocated while capturing {@link #PACKETS} datagrams (after a warm-up). */
    static long allocatedPerRun(String reader, String[] readerUsed) throws Exception {
        String old = System.getProperty(LiveCapture.READER_PROPERTY);
        System.setProperty(LiveCapture.READER_PROPERTY, reader);
        try (DatagramSocket rx = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket tx = new DatagramSocket()) {
            int port = rx.getLocalPort();
            LiveCapture c = LiveCapture.open(LiveCapture.Options.of("lo").withFilter("udp and dst port " + port));
            readerUsed[0] = c.reader();
            try {
                c.start();
                long tid = c.captureThread().getId();
                byte[] payload = new byte[200];
                DatagramPacket p = new DatagramPacket(payload, payload.length, rx.getLocalSocketAddress());
                long[] drained = {0};
                FrameHandler sink = (ts, lt, ifc, data, off, cap, orig) -> {
                    assertEquals(200 + 28 + 14, cap); // Ethernet + IPv4 + UDP + payload
                    drained[0]++;
                };
                sendAndWait(c, tx, p, rx, WARM_UP, sink); // JNA linkage, class loading, JIT
                long before = mx.getThreadAllocatedBytes(tid);
                long capturedBefore = c.captured();
                sendAndWait(c, tx, p, rx, capturedBefore + PACKETS, sink);
                long after = mx.getThreadAllocatedBytes(tid);
                long n = c.captured() - capturedBefore;
                assertTrue(before >= 0 && after >= 0, "capture thread ended early: " + c.failure());
                assertTrue(n >= PACKETS, n + " packets");
                System.out.println("[live] reader " + c.reader() + ": capture thread allocated " + (after - before)
                        + " bytes for " + n + " packets (" + (after - before) / n + " B/packet), "
                        + c.stats().droppedByKernel() + " kernel drops");
                return after - before;
            } finally {
                c.close();
            }
        } finally {
            if (old == null) {
                System.clearProperty(LiveCapture.READER_PROPERTY);
            } else {
                System.setProperty(LiveCapture.READER_PROPERTY, old);
            }
        }
    }

    /** sends datagrams in small batches until the capture counted {@code target}, draining the ring */
    static void sendAndWait(LiveCapture c, DatagramSocket tx, DatagramPacket p, DatagramSocket rx, long target,
                            FrameHandler sink) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (c.captured() < target) {
            assertTrue(System.nanoTime() < deadline, "only " + c.captured() + " of " + target + " packets captured");
            assertTrue(!c.captureEnded(), "capture ended: " + c.failure());
            long missing = target - c.captured();
            for (int i = 0; i < Math.min(missing, 200); i++) {
                tx.send(p);
            }
            c.drain(sink, 1_000_000L);
        }
        while (c.drain(sink, 0) > 0) {
            // keep the ring empty so nothing is dropped by tcplens
        }
    }

    @Test
    void jnaReadAllocatesNothingPerPacket() throws Exception {
        assumeTrue(NativePcap.AVAILABLE, "no direct libpcap mapping here: " + NativePcap.WHY_NOT);
        String[] used = {null};
        long bytes = allocatedPerRun("jna", used);
        assertEquals("libpcap via JNA", used[0]);
        // nothing per packet: a few hundred bytes at most for incidental work (stats, a safepoint)
        assertTrue(bytes < PACKETS, "capture thread allocated " + bytes + " bytes for " + PACKETS + " packets");
    }

    @Test
    void pcap4jReadAllocatesPerPacketSoTheCounterSeesIt() throws Exception {
        String[] used = {null};
        long bytes = allocatedPerRun("pcap4j", used);
        assertTrue(used[0].startsWith("pcap4j"), used[0]);
        // at least the frame's byte[] (242 bytes + header) per packet
        assertTrue(bytes > 200L * PACKETS, "capture thread allocated only " + bytes + " bytes for " + PACKETS
                + " packets");
    }
}
