package io.tcplens.capture;

import static io.tcplens.capture.CaptureBytes.payload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PcapFileReaderTest {

    @TempDir
    Path dir;

    record Read(ReadResult result, List<Frame> frames) {
    }

    Read read(byte[] file) throws Exception {
        Path p = dir.resolve("t.pcap");
        Files.write(p, file);
        try (PacketSource src = CaptureFiles.open(p)) {
            assertInstanceOf(PcapFileReader.class, src);
            Frame.Collector c = new Frame.Collector();
            ReadResult r = src.readAll(c);
            assertEquals(c.frames.size(), r.frames());
            return new Read(r, c.frames);
        }
    }

    @ParameterizedTest(name = "{0} nanos={1}")
    @CsvSource({"LITTLE_ENDIAN,false", "BIG_ENDIAN,false", "LITTLE_ENDIAN,true", "BIG_ENDIAN,true"})
    void readsAllFourMagicVariants(String order, boolean nanos) throws Exception {
        ByteOrder bo = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        byte[] a = payload(60, 1);
        byte[] b = payload(42, 100);
        byte[] file = CaptureBytes.pcap(bo, nanos, 113, 65535)
                .record(1_700_000_000L, 123_456, a, 60)
                .record(1_700_000_001L, 999_999, b, 1514)
                .bytes();
        Read r = read(file);
        long scale = nanos ? 1 : 1000;
        assertEquals(List.of(
                new Frame(1_700_000_000_000_000_000L + 123_456 * scale, 113, 0, a, 60),
                new Frame(1_700_000_001_000_000_000L + 999_999 * scale, 113, 0, b, 1514)), r.frames);
        assertNull(r.result.warning());
        assertEquals(file.length, r.result.bytes());
        try (PcapFileReader p = PcapFileReader.open(dir.resolve("t.pcap"))) {
            assertEquals(nanos, p.nanosecond());
            assertEquals(bo == ByteOrder.BIG_ENDIAN, p.bigEndian());
            assertEquals(65535, p.snaplen());
            assertEquals(2, p.majorVersion());
            assertEquals(4, p.minorVersion());
        }
    }

    @Test
    void emptyCaptureHasNoFrames() throws Exception {
        Read r = read(CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535).bytes());
        assertEquals(new ReadResult(0, 24, null), r.result);
    }

    @Test
    void linkTypeIsTheLow16BitsOfTheHeaderField() throws Exception {
        // FCS information in the upper bits (draft-ietf-opsawg-pcap section 4): F bit set, 2 words
        int field = 0x2000_0000 | 0x1000_0000 | 1;
        Read r = read(CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, field, 65535)
                .record(1, 0, payload(14, 0), 14).bytes());
        assertEquals(1, r.frames.get(0).linkType());
    }

    @Test
    void fractionOfOneSecondOrMoreIsCarried() throws Exception {
        byte[] d = payload(20, 0);
        Read ns = read(CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, true, 1, 65535)
                .record(10, 1_000_000_000L, d, 20)
                .record(10, 0xFFFF_FFFFL, d, 20).bytes());
        assertEquals(11_000_000_000L, ns.frames.get(0).ts());
        assertEquals(10_000_000_000L + 4_294_967_295L, ns.frames.get(1).ts());
        Read us = read(CaptureBytes.pcap(ByteOrder.BIG_ENDIAN, false, 1, 65535)
                .record(10, 2_500_000, d, 20).bytes());
        assertEquals(12_500_000_000L, us.frames.get(0).ts());
    }

    @Test
    void secondsAreUnsigned() throws Exception {
        Read r = read(CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535)
                .record(0xFFFF_FFFFL, 1, payload(1, 0), 1).bytes());
        assertEquals(4_294_967_295_000_000_000L + 1000, r.frames.get(0).ts());
    }

    @Test
    void recordHeaderCutAtEof() throws Exception {
        byte[] whole = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535)
                .record(1, 1, payload(100, 0), 100)
                .record(2, 2, payload(50, 0), 50).bytes();
        // file: 24 + (16+100) + (16+50) = 206; cut inside the second record header, 5 bytes of it left
        Read r = read(Arrays.copyOf(whole, 24 + 116 + 5));
        assertEquals(1, r.frames.size());
        assertEquals(new ReadResult(1, 140, "file truncated: record 2 at byte 140 needs 16 bytes, only 5 present;"
                + " 1 complete frames were read"), r.result);
    }

    @Test
    void recordBodyCutAtEof() throws Exception {
        byte[] whole = CaptureBytes.pcap(ByteOrder.BIG_ENDIAN, true, 1, 65535)
                .record(1, 1, payload(100, 0), 100)
                .record(2, 2, payload(1514, 0), 1514).bytes();
        Read r = read(Arrays.copyOf(whole, 24 + 116 + 16 + 596));
        assertEquals(List.of(new Frame(1_000_000_001L, 1, 0, payload(100, 0), 100)), r.frames);
        assertEquals("file truncated: record 2 at byte 140 needs 1530 bytes, only 612 present;"
                + " 1 complete frames were read", r.result.warning());
        assertEquals(140, r.result.bytes());
    }

    @Test
    void absurdCapturedLengthStopsWithWarning() throws Exception {
        byte[] file = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535)
                .record(1, 1, payload(10, 0), 10)
                .u32(2).u32(0).u32(0x7000_0000).u32(60).raw(payload(64, 0)).bytes();
        Read r = read(file);
        assertEquals(1, r.frames.size());
        assertEquals("corrupt record 2 at byte 50: captured length 1879048192 is impossible (snaplen 65535);"
                + " 1 complete frames were read", r.result.warning());
    }

    @Test
    void recordLargerThanTheBufferGrowsIt() throws Exception {
        byte[] big = payload(3 << 20, 7); // 3 MiB > the 1 MiB buffer; < 4 * max(snaplen, 262144)
        byte[] small = payload(33, 9);
        Read r = read(CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 1 << 22)
                .record(1, 0, small, 33).record(2, 0, big, big.length).record(3, 0, small, 33).bytes());
        assertEquals(3, r.frames.size());
        assertArrayEquals(big, r.frames.get(1).data());
        assertArrayEquals(small, r.frames.get(2).data());
        assertNull(r.result.warning());
    }

    @Test
    void shortFileHeaderIsNotACapture() throws Exception {
        byte[] header = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535).bytes();
        Path p = dir.resolve("short.pcap");
        Files.write(p, Arrays.copyOf(header, 10));
        CaptureException e = assertThrows(CaptureException.class, () -> CaptureFiles.open(p));
        assertEquals(CaptureException.Reason.NOT_A_CAPTURE, e.reason());
        assertEquals(p + " is cut short: the pcap file header needs 24 bytes, only 10 present", e.getMessage());
    }
}
