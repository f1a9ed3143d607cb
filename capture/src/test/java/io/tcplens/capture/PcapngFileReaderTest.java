package io.tcplens.capture;

import static io.tcplens.capture.CaptureBytes.payload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapngFileReaderTest {

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ByteOrder BE = ByteOrder.BIG_ENDIAN;

    @TempDir
    Path dir;

    record Read(ReadResult result, List<Frame> frames) {
    }

    Read read(byte[] file) throws Exception {
        Path p = dir.resolve("t.pcapng");
        Files.write(p, file);
        try (PacketSource src = CaptureFiles.open(p)) {
            assertInstanceOf(PcapngFileReader.class, src);
            Frame.Collector c = new Frame.Collector();
            ReadResult r = src.readAll(c);
            assertEquals(c.frames.size(), r.frames());
            return new Read(r, c.frames);
        }
    }

    @Test
    void bigEndianSectionWithDefaultMicroseconds() throws Exception {
        byte[] a = payload(54, 3);
        byte[] file = CaptureBytes.pcapng(BE).idb(1, 65535, -1, 0).epb(0, 1_600_000_000_000_001L, a, 54).bytes();
        Read r = read(file);
        assertEquals(List.of(new Frame(1_600_000_000_000_001_000L, 1, 0, a, 54)), r.frames);
        assertEquals(new ReadResult(1, file.length, null), r.result);
    }

    @Test
    void threeInterfacesWithDifferentResolutionsAndBlockKinds() throws Exception {
        byte[] a = payload(60, 1);
        byte[] b = payload(41, 2); // padded to 44 in its block
        byte[] c = payload(20, 3);
        byte[] d = payload(64, 4);
        byte[] e = payload(30, 5);
        byte[] f = payload(10, 6);
        byte[] file = CaptureBytes.pcapng(LE)
                .idb(1, 64, 6, 0)                       // if 0: Ethernet, microseconds, snaplen 64
                .idb(113, 262144, 9, -3600)             // if 1: SLL, nanoseconds, offset -1 h
                .idb(101, 0, 0x80 | 10, 100)            // if 2: raw IP, 2^-10 s, offset +100 s
                .epb(0, 1_700_000_000_123_456L, a, 60)
                .block(0x0000_0BAD, payload(8, 0))      // unknown block: skipped
                .block(4, payload(12, 0))               // name resolution block: skipped
                .epb(1, 1_700_000_000_987_654_321L, b, 1500)
                .epb(2, 1_700_000_000L * 1024 + 513, c, 20)
                .spb(100, payload(100, 4))              // caplen = min(origlen 100, snaplen 64, body)
                .spb(30, e)                             // caplen = origlen (body padded to 32)
                .pb(1, 5_000_000_000L, f, 10)           // obsolete Packet Block
                .block(5, payload(20, 0))               // interface statistics: skipped
                .bytes();
        Read r = read(file);
        assertEquals(List.of(
                new Frame(1_700_000_000_123_456_000L, 1, 0, a, 60),
                new Frame(1_700_000_000_987_654_321L - 3_600_000_000_000L, 113, 1, b, 1500),
                // 513/1024 s = 500976562.5 ns, truncated as Wireshark does
                new Frame(1_700_000_000_500_976_562L + 100_000_000_000L, 101, 2, c, 20),
                new Frame(0, 1, 0, d, 100),
                new Frame(0, 1, 0, e, 30),
                new Frame(5_000_000_000L - 3_600_000_000_000L, 113, 1, f, 10)), r.frames);
        assertEquals(new ReadResult(6, file.length, null), r.result);
    }

    @Test
    void twoSectionsInDifferentByteOrdersResetInterfaces() throws Exception {
        byte[] a = payload(40, 1);
        byte[] b = payload(48, 2);
        byte[] file = CaptureBytes.pcapng(LE).idb(1, 65535, 9, 0).idb(113, 65535, 9, 0)
                .epb(1, 7, a, 40)
                .shb(BE).idb(228, 65535, -1, 0)
                .epb(0, 5_000_001L, b, 48)
                .bytes();
        try (PcapngFileReader r = PcapngFileReader.open(write(file))) {
            Frame.Collector c = new Frame.Collector();
            assertEquals(new ReadResult(2, file.length, null), r.readAll(c));
            assertEquals(List.of(new Frame(7, 113, 1, a, 40), new Frame(5_000_001_000L, 228, 0, b, 48)), c.frames);
            assertEquals(2, r.sections());
            assertEquals(1, r.interfaceCount());
            assertEquals(228, r.linkType(0));
        }
    }

    @Test
    void blockCutAtEof() throws Exception {
        CaptureBytes cb = CaptureBytes.pcapng(LE).idb(1, 65535, 6, 0).epb(0, 1, payload(100, 0), 100);
        int at = cb.bytes().length;
        byte[] whole = cb.epb(0, 2, payload(1514, 0), 1514).bytes();
        // EPB of 1514 bytes: 28 header + 1516 padded data + 4 trailer = 1548
        Read r = read(Arrays.copyOf(whole, at + 612));
        assertEquals(1, r.frames.size());
        assertEquals("file truncated: block 4 at byte " + at + " needs 1548 bytes, only 612 present;"
                + " 1 complete frames were read", r.result.warning());
        Read r2 = read(Arrays.copyOf(whole, at + 5));
        assertEquals(1, r2.frames.size());
        assertEquals("file truncated: block 4 at byte " + at + " needs 12 bytes, only 5 present;"
                + " 1 complete frames were read", r2.result.warning());
    }

    @Test
    void nonsenseBlockLengthsStopWithTheOffset() throws Exception {
        CaptureBytes good = CaptureBytes.pcapng(LE).idb(1, 65535, 6, 0).epb(0, 1, payload(10, 0), 10);
        int at = good.bytes().length;
        byte[] notMultipleOf4 = CaptureBytes.pcapng(LE).idb(1, 65535, 6, 0).epb(0, 1, payload(10, 0), 10)
                .u32(6).u32(30).raw(new byte[40]).bytes();
        assertEquals("corrupt block 4 at byte " + at + ": block length 30 (type 0x00000006); 1 complete frames were read",
                read(notMultipleOf4).result.warning());
        byte[] tooShort = CaptureBytes.pcapng(LE).idb(1, 65535, 6, 0).epb(0, 1, payload(10, 0), 10)
                .u32(6).u32(8).raw(new byte[40]).bytes();
        assertEquals("corrupt block 4 at byte " + at + ": block length 8 (type 0x00000006); 1 complete frames were read",
                read(tooShort).result.warning());
        byte[] badTrailer = CaptureBytes.pcapng(LE).idb(1, 65535, 6, 0).epb(0, 1, payload(10, 0), 10)
                .u32(0xBAD).u32(16).u32(0).u32(20).bytes();
        Read r = read(badTrailer);
        assertEquals(1, r.frames.size());
        assertEquals("corrupt block 4 at byte " + at + ": block length 16 but trailing length 20 (type 0x00000bad);"
                + " 1 complete frames were read", r.result.warning());
        assertEquals(at, r.result.bytes());
    }

    @Test
    void packetOnUndescribedInterfaceStops() throws Exception {
        byte[] file = CaptureBytes.pcapng(LE).idb(1, 65535, 6, 0).epb(3, 1, payload(10, 0), 10).bytes();
        Read r = read(file);
        assertEquals(0, r.frames.size());
        assertEquals("corrupt block 3 at byte 60: packet on interface 3 but the section describes 1 interfaces;"
                + " 0 complete frames were read", r.result.warning());
    }

    @Test
    void binaryResolutionMatchesBigIntegerArithmetic() {
        long[] units = {0, 1, 1023, 1_700_000_000L << 20, 0x7FFF_FFFF_FFFF_FFFFL, 0xFFFF_FFFF_FFFF_FFFFL,
                0x8000_0000_0000_0001L, 123_456_789_012_345L};
        for (long u : units) {
            for (int shift = 0; shift < 64; shift++) {
                BigInteger exact = new BigInteger(Long.toUnsignedString(u)).multiply(BigInteger.valueOf(1_000_000_000L))
                        .shiftRight(shift);
                assertEquals(exact.longValue(), PcapngFileReader.mulShift(u, 1_000_000_000L, shift),
                        "units " + Long.toUnsignedString(u) + " shift " + shift);
            }
        }
    }

    @Test
    void frameLargerThanTheBuffer() throws Exception {
        byte[] big = payload((1 << 20) + 3, 5);
        byte[] file = CaptureBytes.pcapng(LE).idb(1, 0, 6, 0).epb(0, 1, big, big.length).bytes();
        Read r = read(file);
        assertArrayEquals(big, r.frames.get(0).data());
        assertNull(r.result.warning());
    }

    private Path write(byte[] file) throws Exception {
        Path p = dir.resolve("x.pcapng");
        Files.write(p, file);
        return p;
    }
}
