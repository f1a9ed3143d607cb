package io.tcplens.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;

/**
 * Pure-Java streaming reader for classic pcap files (draft-ietf-opsawg-pcap): magic a1b2c3d4
 * (microseconds) and a1b23c4d (nanoseconds), written in either byte order. The file is read through
 * one reused buffer; frames are handed out as (buffer, offset) with no allocation per frame.
 */
public final class PcapFileReader implements PacketSource {

    /** pcap file header length (draft-ietf-opsawg-pcap section 4) */
    static final int FILE_HEADER = 24;
    /** packet record header length (section 5) */
    static final int RECORD_HEADER = 16;
    /** a record longer than this is taken as corruption, whatever the snaplen */
    static final long MAX_RECORD = 256L << 20;

    private final Path path;
    private final FileInput in;
    private final boolean bigEndian;
    private final boolean nanos;
    private final int linkType;
    private final long snaplen;
    private final int majorVersion;
    private final int minorVersion;
    private final long maxCaplen;
    /**
     * Records whose frame is longer than this are read without being held whole: the pcapng rule
     * ({@link PcapngFileReader#STREAMED_BLOCK}, {@link BigFrames#KEPT}) for the
     * same reason. The snaplen can claim 4 GB, so {@link #maxCaplen} lets records of up to 256 MB
     * through, and holding one took that much heap (and as much again in a direct buffer): a 200 MB
     * record made a 64 MiB heap run out of memory (exit 12, no report).
     */
    static final int STREAMED_RECORD = PcapngFileReader.STREAMED_BLOCK;
    /** the kept part of a streamed record's frame, allocated on the first one */
    private byte[] bigFrame;
    /** frames longer than {@link #STREAMED_RECORD}, and where the first was */
    private final BigFrames bigFrames = new BigFrames("record");

    private PcapFileReader(Path path, FileInput in) throws CaptureException {
        this.path = path;
        this.in = in;
        try {
            if (!in.ensure(FILE_HEADER)) {
                throw new CaptureException(CaptureException.Reason.NOT_A_CAPTURE, CaptureFiles.name(path)
                        + " is cut short: the pcap file header needs 24 bytes, only " + in.available()
                        + " present");
            }
        } catch (IOException e) {
            throw CaptureFiles.ioError(path, e);
        }
        byte[] b = in.buf;
        int h = in.pos;
        int magicLe = Bytes.i32(b, h, false);
        switch (magicLe) {
            case 0xA1B2C3D4 -> { bigEndian = false; nanos = false; }
            case 0xA1B23C4D -> { bigEndian = false; nanos = true; }
            case 0xD4C3B2A1 -> { bigEndian = true; nanos = false; }
            case 0x4D3CB2A1 -> { bigEndian = true; nanos = true; }
            default -> throw new CaptureException(CaptureException.Reason.NOT_A_CAPTURE,
                    CaptureFiles.notACaptureMessage(path, b, h));
        }
        majorVersion = Bytes.u16(b, h + 4, bigEndian);
        minorVersion = Bytes.u16(b, h + 6, bigEndian);
        snaplen = Bytes.u32(b, h + 16, bigEndian);
        int lt = Bytes.i32(b, h + 20, bigEndian);
        // section 4: LinkType is the low 16 bits; the upper bits carry FCS information (ignored)
        linkType = lt & 0xFFFF;
        maxCaplen = Math.min(MAX_RECORD, Math.max(snaplen, 262144L) * 4);
        in.skip(FILE_HEADER);
    }

    /** Opens a pcap file; prefer {@link CaptureFiles#open(Path)}, which also accepts pcapng. */
    public static PcapFileReader open(Path path) throws CaptureException {
        FileInput in = CaptureFiles.input(path, () -> false);
        try {
            return new PcapFileReader(path, in);
        } catch (CaptureException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Reads pcap bytes from any channel (tests and fuzzing read from memory); {@code name} is used in
     * messages only. The channel is closed with the reader.
     */
    static PcapFileReader open(Path name, ReadableByteChannel ch, int bufferSize) throws CaptureException {
        return open(name, new FileInput(ch, bufferSize));
    }

    /** a reader over any {@link FileInput} */
    static PcapFileReader open(Path name, FileInput in) throws CaptureException {
        try {
            return new PcapFileReader(name, in);
        } catch (CaptureException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** LINKTYPE_ value of every frame in the file */
    public int linkType() {
        return linkType;
    }

    /** snapshot length from the file header */
    public long snaplen() {
        return snaplen;
    }

    /** true for magic a1b23c4d (nanosecond timestamps) */
    public boolean nanosecond() {
        return nanos;
    }

    /** true if the file was written big-endian */
    public boolean bigEndian() {
        return bigEndian;
    }

    public int majorVersion() {
        return majorVersion;
    }

    public int minorVersion() {
        return minorVersion;
    }

    @Override
    public ReadResult readAll(FrameHandler handler) throws CaptureException {
        ReadResult r = readRecords(handler);
        String note = bigFrames.note();
        return note == null ? r : new ReadResult(r.frames(), r.bytes(), r.warning(), java.util.List.of(note));
    }

    private ReadResult readRecords(FrameHandler handler) throws CaptureException {
        if (handler instanceof HeaderFrameHandler headers && in.file() != null
                && java.nio.file.Files.isRegularFile(path)) {
            try {
                return readHeaders(headers, in.file(), in.offset());
            } catch (IOException e) {
                throw CaptureFiles.ioError(path, e);
            }
        }
        long frames = 0;
        final long fracScale = nanos ? 1 : 1000;
        try {
            while (true) {
                if (!in.ensure(RECORD_HEADER)) {
                    int have = in.available();
                    if (have == 0) {
                        return new ReadResult(frames, in.offset(), null);
                    }
                    return new ReadResult(frames, in.offset(),
                            truncated(frames + 1, in.offset(), RECORD_HEADER, have, frames));
                }
                byte[] b = in.buf;
                int p = in.pos;
                long sec = Bytes.u32(b, p, bigEndian);
                long frac = Bytes.u32(b, p + 4, bigEndian);
                long caplen = Bytes.u32(b, p + 8, bigEndian);
                long origlen = Bytes.u32(b, p + 12, bigEndian);
                if (caplen > maxCaplen) {
                    return new ReadResult(frames, in.offset(), impossible(frames + 1, in.offset(), caplen, frames));
                }
                int need = RECORD_HEADER + (int) caplen;
                // section 5: the fraction should be < 1 s but is not always; carry it arithmetically
                long ts = sec * 1_000_000_000L + frac * fracScale;
                if (caplen > STREAMED_RECORD) {
                    // keep the frame's first bytes, skip the rest; handed over once the record proved whole
                    long at = in.offset();
                    int kept = BigFrames.KEPT;
                    if (!in.ensure(RECORD_HEADER + kept)) {
                        return new ReadResult(frames, at, truncated(frames + 1, at, need, in.available(), frames));
                    }
                    if (bigFrame == null) {
                        bigFrame = new byte[kept];
                    }
                    System.arraycopy(in.buf, in.pos + RECORD_HEADER, bigFrame, 0, kept);
                    if (!in.discard(need)) {
                        return new ReadResult(frames, at, truncated(frames + 1, at, need,
                                (int) Math.min(in.offset() - at, Integer.MAX_VALUE), frames));
                    }
                    handler.onFrame(ts, linkType, 0, bigFrame, 0, bigFrames.add(frames + 1, at, caplen),
                            (int) Math.min(origlen, Integer.MAX_VALUE));
                    frames++;
                    continue;
                }
                if (!in.ensure(need)) {
                    return new ReadResult(frames, in.offset(),
                            truncated(frames + 1, in.offset(), need, in.available(), frames));
                }
                b = in.buf;
                p = in.pos;
                handler.onFrame(ts, linkType, 0, b, p + RECORD_HEADER, (int) caplen,
                        (int) Math.min(origlen, Integer.MAX_VALUE));
                frames++;
                in.skip(need);
            }
        } catch (IOException e) {
            throw CaptureFiles.ioError(path, e);
        }
    }

    /** direct buffer of {@link #readHeaders}: 1 MiB read fastest here (4 MiB was ~7 % slower) */
    static final int DIRECT_BUFFER = 1 << 20;

    /**
     * The fast path: the kernel copies the file into one reused direct buffer (one copy, where a heap
     * buffer costs two: the JDK reads into a temporary direct buffer first), and of each frame only
     * the first {@link HeaderFrameHandler#headerLength()} bytes are copied out to the handler; the
     * rest is copied only for a frame the handler asks to see whole. Frames, results and warnings
     * are the same as {@link #readAll}'s loop over {@link FileInput}.
     */
    private ReadResult readHeaders(HeaderFrameHandler handler, FileChannel ch, long start) throws IOException {
        final long fracScale = nanos ? 1 : 1000;
        final long fileSize = ch.size();
        ByteBuffer buf = ByteBuffer.allocateDirect(DIRECT_BUFFER)
                .order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        buf.limit(0);
        long base = start;             // file offset of buf[0]
        long next = start;             // file offset of the next byte to read into buf
        int want = Math.max(1, handler.headerLength());
        byte[] head = new byte[want];
        byte[] whole = head;
        long frames = 0;
        while (true) {
            int p = buf.position();
            if (buf.remaining() < RECORD_HEADER) {
                base += p;
                next = fill(ch, buf.compact(), next);
                p = 0;
                if (buf.remaining() < RECORD_HEADER) {
                    int have = buf.remaining();
                    return new ReadResult(frames, base, have == 0 ? null
                            : truncated(frames + 1, base, RECORD_HEADER, have, frames));
                }
            }
            long sec = buf.getInt(p) & 0xFFFF_FFFFL;
            long frac = buf.getInt(p + 4) & 0xFFFF_FFFFL;
            long caplen = buf.getInt(p + 8) & 0xFFFF_FFFFL;
            long origlen = buf.getInt(p + 12) & 0xFFFF_FFFFL;
            if (caplen > maxCaplen) {
                return new ReadResult(frames, base + p, impossible(frames + 1, base + p, caplen, frames));
            }
            int need = RECORD_HEADER + (int) caplen;
            long ts = sec * 1_000_000_000L + frac * fracScale;
            int orig = (int) Math.min(origlen, Integer.MAX_VALUE);
            if (caplen > STREAMED_RECORD) {
                // as in the plain loop: only the frame's first bytes are read, the rest skipped by position
                long at = base + p;
                if (at + need > fileSize) {
                    return new ReadResult(frames, at, truncated(frames + 1, at, need,
                            (int) Math.min(fileSize - at, Integer.MAX_VALUE), frames));
                }
                int kept = BigFrames.KEPT;
                if (bigFrame == null) {
                    bigFrame = new byte[kept];
                }
                ByteBuffer dst = ByteBuffer.wrap(bigFrame, 0, kept);
                for (long from = at + RECORD_HEADER; dst.hasRemaining(); ) {
                    int r = ch.read(dst, from);
                    if (r < 0) {
                        return new ReadResult(frames, at, truncated(frames + 1, at, need,
                                (int) Math.min(from - at, Integer.MAX_VALUE), frames));   // the file shrank
                    }
                    from += r;
                }
                handler.onFrame(ts, linkType, 0, bigFrame, 0, bigFrames.add(frames + 1, at, caplen), orig);
                frames++;
                base = at + need;
                next = base;
                buf.clear().limit(0);
                continue;
            }
            if (buf.remaining() < need) {
                base += p;
                if (need > buf.capacity() && base + need <= fileSize) {
                    // a record larger than the buffer, and the file does hold it: grow to fit
                    ByteBuffer bigger = ByteBuffer.allocateDirect(need).order(buf.order());
                    bigger.put(buf);
                    buf = bigger;
                } else {
                    buf.compact();
                }
                next = fill(ch, buf, next);
                p = 0;
                if (buf.remaining() < need) {
                    int have = (int) Math.min(Math.max(buf.remaining(), fileSize - base), Integer.MAX_VALUE);
                    return new ReadResult(frames, base, truncated(frames + 1, base, need, have, frames));
                }
            }
            int len = (int) caplen;
            if (len <= want) {
                buf.get(p + RECORD_HEADER, head, 0, len);
                handler.onFrame(ts, linkType, 0, head, 0, len, orig);
            } else {
                buf.get(p + RECORD_HEADER, head, 0, want);
                if (!handler.onFrameHeaders(ts, linkType, 0, head, 0, want, len, orig)) {
                    if (whole.length < len) {
                        whole = new byte[Math.max(len, Math.min(2 * whole.length, Integer.MAX_VALUE - 8))];
                    }
                    buf.get(p + RECORD_HEADER, whole, 0, len);
                    handler.onFrame(ts, linkType, 0, whole, 0, len, orig);
                }
            }
            frames++;
            buf.position(p + need);
        }
    }

    /**
     * Reads into {@code buf} (in write mode) from file offset {@code next} until it is full or the
     * file ends; leaves it flipped for reading. Returns the next offset to read from.
     */
    private static long fill(FileChannel ch, ByteBuffer buf, long next) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, next);
            if (r < 0) {
                break;
            }
            next += r;
        }
        buf.flip();
        return next;
    }

    private String impossible(long record, long at, long caplen, long frames) {
        return "corrupt record " + record + " at byte " + at + ": captured length " + caplen
                + " is impossible (snaplen " + snaplen + "); " + frames + " complete frames were read";
    }

    /** {@code record}: 1-based number of the record cut short */
    static String truncated(long record, long at, long need, int have, long frames) {
        return "file truncated: record " + record + " at byte " + at + " needs " + need + " bytes, only " + have
                + " present; " + frames + " complete frames were read";
    }

    @Override
    public void close() {
        in.close();
    }
}
