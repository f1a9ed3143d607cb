package io.tcplens.capture;

import static io.tcplens.capture.CaptureBytes.payload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapWriterTest {

    @TempDir
    Path dir;

    static final byte[] A = payload(60, 1);
    static final byte[] B = payload(70_000, 2); // larger than the writer's 64 KiB buffer
    static final byte[] C = payload(1, 3);

    private Path writeThree(boolean nanos) throws Exception {
        Path p = dir.resolve(nanos ? "ns.pcap" : "us.pcap");
        try (PcapWriter w = new PcapWriter(p, 113, 100_000, nanos)) {
            w.write(1_700_000_000_123_456_789L, A, 0, 60, 60);
            byte[] inside = new byte[B.length + 10];
            System.arraycopy(B, 0, inside, 5, B.length);
            w.write(1_700_000_001_000_000_001L, inside, 5, B.length, 80_000);
            w.write(999, C, 0, 1, 1514);
            assertEquals(3, w.frames());
        }
        return p;
    }

    @Test
    void nanosecondFileHasTheExpectedBytes() throws Exception {
        Path p = writeThree(true);
        byte[] want = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, true, 113, 100_000)
                .record(1_700_000_000L, 123_456_789, A, 60)
                .record(1_700_000_001L, 1, B, 80_000)
                .record(0, 999, C, 1514)
                .bytes();
        assertArrayEquals(want, Files.readAllBytes(p));
    }

    @Test
    void roundTripThroughTheBuiltInReader() throws Exception {
        for (boolean nanos : new boolean[] {true, false}) {
            Path p = writeThree(nanos);
            Frame.Collector c = new Frame.Collector();
            try (PacketSource src = CaptureFiles.open(p)) {
                assertNull(src.readAll(c).warning());
            }
            assertEquals(List.of(
                    new Frame(nanos ? 1_700_000_000_123_456_789L : 1_700_000_000_123_456_000L, 113, 0, A, 60),
                    new Frame(nanos ? 1_700_000_001_000_000_001L : 1_700_000_001_000_000_000L, 113, 0, B, 80_000),
                    new Frame(nanos ? 999 : 0, 113, 0, C, 1514)), c.frames);
        }
    }

    @Test
    void roundTripThroughLibpcap() throws Exception {
        Assumptions.assumeTrue(LibpcapFileReader.isAvailable(), "libpcap not installed");
        Path p = writeThree(true);
        Frame.Collector c = new Frame.Collector();
        try (PacketSource src = CaptureFiles.open(p, CaptureFiles.Reader.LIBPCAP)) {
            assertNull(src.readAll(c).warning());
        }
        assertEquals(List.of(new Frame(1_700_000_000_123_456_789L, 113, 0, A, 60),
                new Frame(1_700_000_001_000_000_001L, 113, 0, B, 80_000),
                new Frame(999, 113, 0, C, 1514)), c.frames);
    }

    @Test
    void framesAreCutToTheSnaplenAndOldTimesFloor() throws Exception {
        Path p = dir.resolve("cut.pcap");
        try (PcapWriter w = new PcapWriter(p, 1, 16)) {
            w.write(-1, A, 0, 60, 60); // 1 ns before the epoch: second -1, fraction 999999999
        }
        byte[] want = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, true, 1, 16)
                .record(0xFFFF_FFFFL, 999_999_999, payload(16, 1), 60).bytes();
        assertArrayEquals(want, Files.readAllBytes(p));
    }
}
