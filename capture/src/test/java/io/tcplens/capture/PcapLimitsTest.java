package io.tcplens.capture;

import static io.tcplens.capture.CaptureBytes.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pcap record whose frame is longer than {@link PcapFileReader#STREAMED_RECORD} (16 MiB) is read
 * without being held, as a pcapng block of that size is ({@link PcapngLimitsTest}): a snaplen of
 * 0xffffffff lets records of up to 256 MB through, and a 200 MiB one used to be held whole (a 64 MiB
 * heap ran out of memory). Every reading path: the plain loop over a file and over a stream, and the
 * fast path of a {@link HeaderFrameHandler} over a file.
 */
class PcapLimitsTest {

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final int BIG = 200 << 20;
    static final byte[] A = payload(60, 1);
    static final byte[] B = payload(70, 9);
    static final byte[] BIG_START = payload(1000, 42);
    static final int KEPT = 262144;

    @TempDir
    Path tmp;

    /** file header (snaplen 0xffffffff), record A: the big record is record 2, at byte 24 + 16 + 60 = 100 */
    static byte[] head() {
        return CaptureBytes.pcap(LE, false, 1, -1).record(1, 0, A, A.length).bytes();
    }

    static byte[] bigHeader(int frame) {
        return ByteBuffer.allocate(16).order(LE).putInt(2).putInt(0).putInt(frame).putInt(frame).array();
    }

    static byte[] tail() {
        return ByteBuffer.allocate(16 + B.length).order(LE).putInt(3).putInt(0).putInt(B.length).putInt(B.length)
                .put(B).array();
    }

    /** head, a {@code frame}-byte record of which only BIG_START is written, then the tail; cut at {@code size} if > 0 */
    Path sparse(int frame, long size) throws Exception {
        Path p = tmp.resolve("big.pcap");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SPARSE)) {
            ch.write(ByteBuffer.wrap(head()));
            ch.write(ByteBuffer.wrap(bigHeader(frame)));
            ch.write(ByteBuffer.wrap(BIG_START));
            ch.position(head().length + 16L + frame);
            ch.write(ByteBuffer.wrap(tail()));
            if (size > 0) {
                ch.truncate(size);
            }
        }
        return p;
    }

    record Read(ReadResult result, List<Frame> frames, long allocated) {
    }

    /** header 0: a plain handler; else a header handler taking {@code header} bytes (the analyzer's fast path) */
    static Read read(PacketSource src, int header) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        Frame.Collector c = new Frame.Collector();
        List<Frame> heads = new ArrayList<>();
        ReadResult r;
        try (src) {
            r = src.readAll(header == 0 ? c : HeaderFrameHandler.of(header, (ts, lt, ifId, data, off, present, caplen,
                    orig) -> {
                heads.add(new Frame(ts, lt, ifId, Arrays.copyOfRange(data, off, off + present), orig));
                return true;
            }, c));
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        List<Frame> frames = new ArrayList<>(c.frames);
        frames.addAll(heads);
        frames.sort((x, y) -> Long.compare(x.ts(), y.ts()));
        return new Read(r, frames, allocated);
    }

    static List<Frame> expected(int frame) {
        return List.of(new Frame(1_000_000_000L, 1, 0, A, A.length),
                new Frame(2_000_000_000L, 1, 0, Arrays.copyOf(BIG_START, KEPT), frame),
                new Frame(3_000_000_000L, 1, 0, B, B.length));
    }

    static String note(int frame) {
        return "record 2 at byte 100 holds a frame of " + frame + " bytes, more than any link carries: only its"
                + " first 262144 bytes were read and analysed, the rest skipped";
    }

    @Test
    void aRecordOf200MiBInAFileIsSkippedByPositionOnBothPaths() throws Exception {
        Path p = sparse(BIG, 0);
        long size = java.nio.file.Files.size(p);
        assertEquals(100 + 16 + BIG + 16 + B.length, size);
        for (int header : new int[] {0, 128}) {
            Read r = read(CaptureFiles.open(p), header);
            assertEquals(expected(BIG), r.frames, "header " + header);
            assertEquals(new ReadResult(3, size, null, List.of(note(BIG))), r.result, "header " + header);
            // the 1 MiB buffer, the 256 kB kept and the collector's copy; before: the record itself, > 200 MiB
            assertTrue(r.allocated < 3L << 20, "header " + header + ": allocated " + r.allocated + " bytes");
        }
    }

    @Test
    void aBigRecordInAStreamIsReadThroughTheBuffer() throws Exception {
        int frame = PcapngFileReader.STREAMED_BLOCK + 1;   // the smallest frame that is streamed (the pcapng limit)
        byte[] head = head();
        byte[] tail = tail();
        byte[] all = new byte[head.length + 16 + frame + tail.length];
        ByteBuffer.wrap(all).put(head).put(bigHeader(frame)).put(BIG_START).position(all.length - tail.length).put(tail);
        Read r = read(PcapFileReader.open(Path.of("s"), Channels.newChannel(new ByteArrayInputStream(all)),
                FileInput.DEFAULT_SIZE), 0);
        assertEquals(expected(frame), r.frames);
        assertEquals(new ReadResult(3, all.length, null, List.of(note(frame))), r.result);
        assertTrue(r.allocated < 3L << 20, "allocated " + r.allocated + " bytes");
    }

    @Test
    void aBigRecordCutShortEndsTheFileAfterTheFramesBefore() throws Exception {
        Frame a = new Frame(1_000_000_000L, 1, 0, A, A.length);
        for (long present : new long[] {16 + 1000, 16 + BIG - 1}) {
            for (int header : new int[] {0, 128}) {
                Read r = read(CaptureFiles.open(sparse(BIG, 100 + present)), header);
                assertEquals(List.of(a), r.frames, present + " present, header " + header);
                assertEquals(new ReadResult(1, 100, "file truncated: record 2 at byte 100 needs " + (16 + BIG)
                        + " bytes, only " + present + " present; 1 complete frames were read"), r.result,
                        present + " present, header " + header);
            }
        }
    }
}
