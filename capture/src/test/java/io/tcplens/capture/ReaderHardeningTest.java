package io.tcplens.capture;

import static io.tcplens.capture.CaptureBytes.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile capture files (issue 8): lengths that lie, empty and text files, blocks too short to
 * hold what they claim. Each ends with at most one warning naming the byte offset and the record
 * (pcap) or block (pcapng) number, every complete frame before it delivered, and no large buffer.
 */
class ReaderHardeningTest {

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    @TempDir
    Path dir;

    record Read(ReadResult result, List<Integer> caplens, long allocated) {
    }

    Read read(byte[] file) throws Exception {
        Path p = dir.resolve("x" + System.nanoTime());
        Files.write(p, file);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        List<Integer> caplens = new ArrayList<>();
        ReadResult r;
        try (PacketSource src = CaptureFiles.open(p)) {
            r = src.readAll((ts, lt, ifId, data, off, caplen, origlen) -> caplens.add(caplen));
        }
        return new Read(r, caplens, mx.getThreadAllocatedBytes(tid) - before);
    }

    @Test
    void pcapRecordClaimingHugeLengthAllocatesNoHugeBuffer() throws Exception {
        // snaplen 2^31-1 allows records up to the 256 MB cap: a 200 MB claim in a 200-byte file
        byte[] file = CaptureBytes.pcap(LE, false, 1, Integer.MAX_VALUE).record(1, 0, payload(60, 0), 60)
                .u32(2).u32(0).u32(200 << 20).u32(200 << 20).raw(payload(100, 0)).bytes();
        Read r = read(file);
        assertEquals(List.of(60), r.caplens());
        assertEquals("file truncated: record 2 at byte 100 needs " + (16 + (200 << 20)) + " bytes, only 116 present;"
                + " 1 complete frames were read", r.result().warning());
        assertTrue(r.allocated() < 8 << 20, "allocated " + r.allocated() + " bytes for a 216-byte file");
    }

    @Test
    void pcapngBlockClaimingHugeLengthAllocatesNoHugeBuffer() throws Exception {
        byte[] file = CaptureBytes.pcapng(LE).idb(1, 0, -1, 0).epb(0, 1, payload(60, 0), 60)
                .u32(6).u32(250 << 20).raw(payload(100, 0)).bytes();
        Read r = read(file);
        assertEquals(List.of(60), r.caplens());
        assertTrue(r.result().warning().startsWith("file truncated: block 4 at byte "), r.result().warning());
        assertTrue(r.allocated() < 8 << 20, "allocated " + r.allocated() + " bytes");
    }

    @Test
    void emptyAndTextFilesAreNotCaptures() throws Exception {
        for (byte[] file : List.of(new byte[0], "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0xD4, (byte) 0xC3})) {
            CaptureException e = assertThrows(CaptureException.class, () -> read(file));
            assertEquals(CaptureException.Reason.NOT_A_CAPTURE, e.reason());
            assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
        }
    }

    @Test
    void pcapHeaderOnlyAndCutHeader() throws Exception {
        byte[] header = CaptureBytes.pcap(LE, false, 1, 65535).bytes();
        Read r = read(header);
        assertEquals(new ReadResult(0, 24, null), r.result());
        CaptureException e = assertThrows(CaptureException.class, () -> read(java.util.Arrays.copyOf(header, 10)));
        assertEquals(CaptureException.Reason.NOT_A_CAPTURE, e.reason());
    }

    @Test
    void zeroLengthRecordsAreFramesNotAHang() throws Exception {
        CaptureBytes cb = CaptureBytes.pcap(LE, false, 1, 65535);
        for (int i = 0; i < 1000; i++) {
            cb.record(i, 0, new byte[0], 0);
        }
        Read r = read(cb.bytes());
        assertEquals(1000, r.caplens().size());
        assertEquals(null, r.result().warning());
    }

    @Test
    void unknownLinkTypeFramesAreDelivered() throws Exception {
        byte[] file = CaptureBytes.pcap(LE, false, 4242, 65535).record(1, 0, payload(40, 0), 40).bytes();
        Path p = dir.resolve("lt.pcap");
        Files.write(p, file);
        List<Integer> types = new ArrayList<>();
        try (PacketSource src = CaptureFiles.open(p)) {
            src.readAll((ts, lt, ifId, data, off, caplen, origlen) -> types.add(lt));
        }
        assertEquals(List.of(4242), types);
    }

    @Test
    void simplePacketBlockTooShortIsCorruptNotANegativeLength() throws Exception {
        byte[] file = CaptureBytes.pcapng(LE).idb(1, 0, -1, 0).block(3, new byte[0]).bytes();
        Read r = read(file);
        assertEquals(List.of(), r.caplens());
        assertEquals("corrupt block 3 at byte 48: simple packet block too short (12 bytes); 0 complete frames were read",
                r.result().warning());
    }

    @Test
    void pcapngZeroAndShortBlockLengthsStop() throws Exception {
        for (int len : new int[] {0, 4, 8}) {
            byte[] file = CaptureBytes.pcapng(LE).idb(1, 0, -1, 0).u32(0xBAD).u32(len).u32(len).bytes();
            Read r = read(file);
            assertEquals("corrupt block 3 at byte 48: block length " + len + " (type 0x00000bad); 0 complete frames were read",
                    r.result().warning());
        }
    }

    @Test
    void warningsNameTheRecordNumberAndOffset() throws Exception {
        CaptureBytes cb = CaptureBytes.pcap(LE, false, 1, 65535);
        for (int i = 0; i < 5; i++) {
            cb.record(i, 0, payload(50, i), 50);
        }
        byte[] whole = cb.bytes();
        Read r = read(java.util.Arrays.copyOf(whole, whole.length - 10));
        assertEquals(4, r.caplens().size());
        assertEquals("file truncated: record 5 at byte " + (24 + 4 * 66) + " needs 66 bytes, only 56 present;"
                + " 4 complete frames were read", r.result().warning());
    }
}
