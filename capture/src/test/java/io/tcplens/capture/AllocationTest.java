package io.tcplens.capture;

import static io.tcplens.capture.CaptureBytes.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in readers allocate nothing per frame (measured with the thread's allocation counter). */
class AllocationTest {

    static final int FRAMES = 20_000;

    @TempDir
    Path dir;

    /** sums fields without allocating */
    static final class Sum implements FrameHandler {
        long sum;

        @Override
        public void onFrame(long ts, int linkType, int ifId, byte[] data, int off, int caplen, int origlen) {
            sum += ts + linkType + ifId + data[off] + caplen + origlen;
        }
    }

    static long allocatedWhileReading(Path p, Sum sum) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (PacketSource src = CaptureFiles.open(p)) {
            long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            ReadResult r = src.readAll(sum);
            long after = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            assertEquals(FRAMES, r.frames());
            return after - before;
        }
    }

    @Test
    void readingIsAllocationFreePerFrame() throws Exception {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported(), "JVM cannot count allocated bytes");
        byte[] d = payload(200, 1);
        CaptureBytes pcap = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535);
        CaptureBytes ng = CaptureBytes.pcapng(ByteOrder.BIG_ENDIAN).idb(1, 0, 0x80 | 20, 0);
        for (int i = 0; i < FRAMES; i++) {
            pcap.record(i, i, d, 200);
            ng.epb(0, i, d, 200);
        }
        Path p1 = Files.write(dir.resolve("a.pcap"), pcap.bytes()); // ~4.3 MB: several buffer refills
        Path p2 = Files.write(dir.resolve("b.pcapng"), ng.bytes());
        for (Path p : new Path[] {p1, p2}) {
            Sum sum = new Sum();
            allocatedWhileReading(p, sum); // warm-up: class loading, VarHandle linkage
            long bytes = allocatedWhileReading(p, sum);
            System.out.println(p.getFileName() + ": " + bytes + " bytes allocated while reading " + FRAMES + " frames");
            // per-frame allocation would be >= 16 bytes * 20000 frames = 320000 bytes
            assertTrue(bytes < 32_768, p.getFileName() + ": " + bytes + " bytes allocated for " + FRAMES + " frames");
        }
    }
}
