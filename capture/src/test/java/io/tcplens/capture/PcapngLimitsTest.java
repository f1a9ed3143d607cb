package io.tcplens.capture;

import static io.tcplens.capture.CaptureBytes.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a pcapng can make the reader hold (issue 13, item 16 and the if_tsoffset note): a packet block
 * longer than {@link PcapngFileReader#STREAMED_BLOCK} is read without holding it, and a timestamp
 * beyond 64-bit epoch nanoseconds is noted once per interface.
 */
class PcapngLimitsTest {

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** the frame of the big block: 200 MiB, as in the issue */
    static final int BIG = 200 << 20;
    /** an EPB's header before the frame: type, length, interface, 2 x timestamp, caplen, origlen */
    static final int EPB_HEADER = 28;

    @TempDir
    Path tmp;

    static final byte[] A = payload(60, 1);
    static final byte[] B = payload(70, 9);
    /** the big frame's first bytes (the rest is zeros) */
    static final byte[] BIG_START = payload(1000, 42);

    /** SHB, IDB (microseconds), EPB A: block 4 is the big one */
    static byte[] head() {
        return CaptureBytes.pcapng(LE).idb(1, 0, 6, 0).epb(0, 1_000_000, A, A.length).bytes();
    }

    static byte[] tail() {
        return CaptureBytes.pcapng(LE).epb(0, 3_000_000, B, B.length).bytes();
    }

    static byte[] bigHeader(int frame) {
        return ByteBuffer.allocate(EPB_HEADER).order(LE).putInt(6).putInt(frame + 32).putInt(0).putInt(0)
                .putInt(2_000_000).putInt(frame).putInt(frame).array();
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(LE).putInt(v).array();
    }

    /** the SHB alone is the first block of {@link CaptureBytes#pcapng}: drop it from the tail */
    static byte[] withoutShb(byte[] b) {
        int shb = ByteBuffer.wrap(b).order(LE).getInt(4);
        return Arrays.copyOfRange(b, shb, b.length);
    }

    /**
     * A sparse file: head, an EPB of a {@code frame}-byte frame of which only BIG_START is written,
     * its trailing length {@code trailer} (none when 0), the tail unless {@code cutAt} > 0 ends the
     * file that many bytes into the big block.
     */
    Path sparse(int frame, int trailer, long cutAt) throws Exception {
        Path p = tmp.resolve("big.pcapng");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SPARSE)) {
            byte[] head = head();
            ch.write(ByteBuffer.wrap(head));
            ch.write(ByteBuffer.wrap(bigHeader(frame)));
            ch.write(ByteBuffer.wrap(BIG_START));
            if (cutAt > 0) {
                ch.truncate(head.length + cutAt);
                return p;
            }
            ch.position(head.length + EPB_HEADER + frame);
            if (trailer == 0) {
                ch.write(ByteBuffer.wrap(new byte[1]), ch.position() - 1);   // the file ends with the frame
            } else {
                ch.write(ByteBuffer.wrap(u32(trailer)));
                ch.write(ByteBuffer.wrap(withoutShb(tail())));
            }
        }
        return p;
    }

    record Read(ReadResult result, List<Frame> frames, long allocated) {
    }

    static Read read(Path p) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        Frame.Collector c = new Frame.Collector();
        ReadResult r;
        try (PacketSource src = CaptureFiles.open(p)) {
            r = src.readAll(c);
        }
        return new Read(r, c.frames, mx.getCurrentThreadAllocatedBytes() - before);
    }

    static Read readStream(byte[] bytes) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        Frame.Collector c = new Frame.Collector();
        ReadResult r;
        // not a FileChannel: the skipped bytes are read through the buffer
        try (PacketSource src = PcapngFileReader.open(Path.of("s"), Channels.newChannel(new ByteArrayInputStream(bytes)),
                FileInput.DEFAULT_SIZE)) {
            r = src.readAll(c);
        }
        return new Read(r, c.frames, mx.getCurrentThreadAllocatedBytes() - before);
    }

    static byte[] kept() {
        return Arrays.copyOf(BIG_START, BigFrames.KEPT);
    }

    static String note(long at, long frame) {
        return "block 4 at byte " + at + " holds a frame of " + frame + " bytes, more than any link carries: only its"
                + " first 262144 bytes were read and analysed, the rest skipped";
    }

    @Test
    void aBlockOf200MiBInAFileIsSkippedByPositionAndTheOtherBlocksAreRead() throws Exception {
        Path p = sparse(BIG, BIG + 32, 0);
        long size = java.nio.file.Files.size(p);
        int at = head().length;
        assertEquals(at + BIG + 32 + withoutShb(tail()).length, size);
        Read r = read(p);
        assertEquals(List.of(new Frame(1_000_000_000L, 1, 0, A, A.length),
                new Frame(2_000_000_000L, 1, 0, kept(), BIG),
                new Frame(3_000_000_000L, 1, 0, B, B.length)), r.frames);
        assertEquals(new ReadResult(3, size, null, List.of(note(at, BIG))), r.result);
        // the 1 MiB read buffer, the 256 kB kept of the big frame and the collector's copy of it; the
        // block itself (200 MiB) is never held. Today's reader grows its buffer to the block: > 200 MiB
        assertTrue(r.allocated < 3L << 20, "allocated " + r.allocated + " bytes");
    }

    @Test
    void aBigBlockInAStreamIsReadThroughTheBuffer() throws Exception {
        int frame = PcapngFileReader.STREAMED_BLOCK + 4;   // the smallest frame whose block is streamed
        byte[] big = new byte[EPB_HEADER + frame + 4];
        ByteBuffer.wrap(big).put(bigHeader(frame)).put(BIG_START).position(big.length - 4).order(LE).putInt(frame + 32);
        byte[] head = head();
        byte[] tail = withoutShb(tail());
        byte[] all = new byte[head.length + big.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(big, 0, all, head.length, big.length);
        System.arraycopy(tail, 0, all, head.length + big.length, tail.length);
        Read r = readStream(all);
        assertEquals(List.of(new Frame(1_000_000_000L, 1, 0, A, A.length),
                new Frame(2_000_000_000L, 1, 0, kept(), frame),
                new Frame(3_000_000_000L, 1, 0, B, B.length)), r.frames);
        assertEquals(new ReadResult(3, all.length, null, List.of(note(head.length, frame))), r.result);
        assertTrue(r.allocated < 3L << 20, "allocated " + r.allocated + " bytes");
    }

    @Test
    void aBigBlockCutShortOrWithAWrongTrailerEndsTheFileAfterTheFramesBefore() throws Exception {
        int at = head().length;
        Frame a = new Frame(1_000_000_000L, 1, 0, A, A.length);
        // cut inside the part that is kept
        Read r = read(sparse(BIG, 0, EPB_HEADER + 1000));
        assertEquals(List.of(a), r.frames);
        assertEquals(new ReadResult(1, at, "file truncated: block 4 at byte " + at + " needs " + (BIG + 32)
                + " bytes, only " + (EPB_HEADER + 1000) + " present; 1 complete frames were read"), r.result);
        // cut before the trailing length
        r = read(sparse(BIG, 0, 0));
        assertEquals(List.of(a), r.frames);
        assertEquals(new ReadResult(1, at, "file truncated: block 4 at byte " + at + " needs " + (BIG + 32)
                + " bytes, only " + (BIG + 28) + " present; 1 complete frames were read"), r.result);
        // the trailing length disagrees
        r = read(sparse(BIG, BIG + 36, 0));
        assertEquals(List.of(a), r.frames);
        assertEquals(new ReadResult(1, at, "corrupt block 4 at byte " + at + ": block length " + (BIG + 32)
                + " but trailing length " + (BIG + 36) + " (type 0x00000006); 1 complete frames were read"), r.result);
    }

    /** epoch ns as the exact sum modulo 2^64 (what a wrapped long holds) */
    static long wrapped(BigInteger ns) {
        return ns.longValue();
    }

    @Test
    void timestampsBeyond64BitNanosecondsAreNotedOncePerInterface() throws Exception {
        long huge = 10_000_000_000L;          // 1e19 ns: does not fit in a long
        long large = 9_000_000_000L;          // 9e18 ns fits, but not with 3e17 ns of timestamp added
        long usHuge = 1_700_000_000_000_000L; // 1.7e18 ns
        long usLarge = 300_000_000_000_000L;  // 3e17 ns
        long nsUnsigned = 0x8000_0000_0000_0000L;   // ns units beyond Long.MAX_VALUE
        byte[] f = payload(40, 0);
        byte[] file = CaptureBytes.pcapng(LE)
                .idb(1, 0, 6, huge)          // interface 0: the offset itself overflows
                .idb(1, 0, 6, 0)             // interface 1: normal
                .idb(1, 0, 6, large)         // interface 2: offset + timestamp overflows
                .idb(1, 0, 9, 0)             // interface 3: the units overflow
                .epb(0, usHuge, f, 40).epb(1, usHuge, f, 40).epb(2, usLarge, f, 40).epb(3, nsUnsigned, f, 40)
                .epb(0, usHuge + 1, f, 40).epb(2, usLarge + 1, f, 40).bytes();
        Path p = java.nio.file.Files.write(tmp.resolve("ts.pcapng"), file);
        Read r = read(p);
        BigInteger g = BigInteger.valueOf(1_000_000_000L);
        BigInteger k = BigInteger.valueOf(1_000L);
        long[] expected = {
            wrapped(BigInteger.valueOf(usHuge).multiply(k).add(BigInteger.valueOf(huge).multiply(g))),
            usHuge * 1000,
            wrapped(BigInteger.valueOf(usLarge).multiply(k).add(BigInteger.valueOf(large).multiply(g))),
            wrapped(new BigInteger(Long.toUnsignedString(nsUnsigned))),
            wrapped(BigInteger.valueOf(usHuge + 1).multiply(k).add(BigInteger.valueOf(huge).multiply(g))),
            wrapped(BigInteger.valueOf(usLarge + 1).multiply(k).add(BigInteger.valueOf(large).multiply(g))),
        };
        assertEquals(6, r.frames.size());
        for (int i = 0; i < 6; i++) {
            assertEquals(expected[i], r.frames.get(i).ts(), "frame " + (i + 1));
        }
        assertEquals(new ReadResult(6, file.length, null, List.of("interface 0 of section 1 (if_tsoffset 10000000000 s):"
                + " a timestamp is beyond what 64-bit epoch nanoseconds hold (1677-09-21 to 2262-04-11), so the"
                + " absolute times of its packets are wrong (wrapped around); the same holds for 2 more interfaces")),
                r.result);
        // one interface alone, in range: no note
        byte[] fine = CaptureBytes.pcapng(LE).idb(1, 0, 6, large).epb(0, 1_000_000, f, 40).bytes();
        r = read(java.nio.file.Files.write(tmp.resolve("fine.pcapng"), fine));
        assertEquals(new ReadResult(1, fine.length, null), r.result);
        assertEquals(large * 1_000_000_000L + 1_000_000_000L, r.frames.get(0).ts());
    }

    /**
     * A section of 65,536 interface descriptions is read; the 65,537th ends the file as damaged, keeping
     * the frames before it: IDBs cannot grow memory without a bound (~50 bytes of state for 20 of file).
     */
    @Test
    void moreInterfacesThanASectionMayDescribeEndTheFileAfterTheFramesBefore() throws Exception {
        CaptureBytes b = CaptureBytes.pcapng(LE);
        for (int i = 0; i < PcapngFileReader.MAX_INTERFACES; i++) {
            b.idb(1, 0, -1, 0);
        }
        b.epb(PcapngFileReader.MAX_INTERFACES - 1, 7, A, A.length).idb(1, 0, -1, 0).epb(0, 8, B, B.length);
        byte[] bytes = b.bytes();
        Read r = readStream(bytes);
        assertEquals(1, r.frames().size(), "the frame on the last interface a section may describe is read");
        long at = 28 + 20L * PcapngFileReader.MAX_INTERFACES + 32 + A.length + (4 - A.length % 4) % 4;
        assertEquals("corrupt block " + (PcapngFileReader.MAX_INTERFACES + 3) + " at byte " + at
                + ": more than 65536 interfaces described in one section (tcplens keeps at most 65536: a real capture"
                + " has a few); 1 complete frames were read", r.result().warning());
    }
}
