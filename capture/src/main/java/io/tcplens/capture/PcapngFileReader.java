package io.tcplens.capture;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Pure-Java streaming reader for pcapng files (draft-ietf-opsawg-pcapng): sections in either byte
 * order, Interface Description Blocks with {@code if_tsresol} and {@code if_tsoffset}, Enhanced,
 * Simple and (obsolete) Packet Blocks. Other blocks are skipped by their length. No allocation per
 * frame; timestamps are converted to epoch nanoseconds with exact integer arithmetic (truncating,
 * as Wireshark does).
 */
public final class PcapngFileReader implements PacketSource {

    static final int SHB = 0x0A0D0D0A;
    static final int IDB = 1;
    static final int PB = 2;
    static final int SPB = 3;
    static final int EPB = 6;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final long MAX_BLOCK = 256L << 20;
    /**
     * a block longer than this is read without being held whole (see {@link #streamed}); libpcap
     * refuses pcapng blocks above the same 16 MiB (sf-pcapng.c, INITIAL_MAX_BLOCKSIZE)
     */
    static final int STREAMED_BLOCK = 16 << 20;

    private static final long[] POW10 = new long[19];
    private static final long NS_PER_S = 1_000_000_000L;

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    /** how an interface's timestamp units become nanoseconds */
    private static final int MUL = 0;
    private static final int DIV = 1;
    private static final int SHIFT = 2;

    private final Path path;
    private final FileInput in;

    private boolean bigEndian;
    /** 1-based number of the block being read (for messages) */
    private long block;
    private int sections;
    private int ifCount;
    /**
     * Interfaces one section may describe. Each costs ~50 bytes of state, and an IDB is only 20 bytes
     * of file, so without a bound a file of IDBs grows memory faster than its size. 65,536 is what a
     * Simple or obsolete Packet Block can address (a 16-bit interface id, sections 4.4 and A.1) and far
     * beyond any real capture; past it the file is treated as damaged (exit 5, the frames before kept).
     */
    static final int MAX_INTERFACES = 1 << 16;
    private int[] ifLinkType = new int[4];
    private long[] ifSnaplen = new long[4];
    private int[] ifTsKind = new int[4];
    private long[] ifTsArg = new long[4];
    private long[] ifOffsetNs = new long[4];
    private long[] ifOffsetSec = new long[4];
    /** MUL interfaces: the most units that fit in a signed 64-bit count of nanoseconds */
    private long[] ifMaxUnits = new long[4];
    /** per interface: a timestamp overflowed 64-bit epoch nanoseconds (noted once) */
    private boolean[] ifWrapped = new boolean[4];
    /** per interface: if_tsoffset in nanoseconds does not fit in 64 bits */
    private boolean[] ifOffsetWraps = new boolean[4];
    /** interfaces whose timestamps overflowed, and the note about the first */
    private long wrappedInterfaces;
    private String wrappedNote;
    /** frames longer than {@link BigFrames#KEPT} in streamed blocks, and where the first was */
    private final BigFrames bigFrames = new BigFrames("block");
    /** the kept part of a streamed packet block, allocated on the first one */
    private byte[] bigBlock;

    private PcapngFileReader(Path path, FileInput in) throws CaptureException {
        this.path = path;
        this.in = in;
        try {
            if (!in.ensure(12)) {
                throw new CaptureException(CaptureException.Reason.NOT_A_CAPTURE, CaptureFiles.name(path)
                        + " is cut short: the pcapng section header needs at least 28 bytes, only "
                        + in.available() + " present");
            }
        } catch (IOException e) {
            throw CaptureFiles.ioError(path, e);
        }
        if (Bytes.i32(in.buf, in.pos, false) != SHB) {
            throw new CaptureException(CaptureException.Reason.NOT_A_CAPTURE,
                    CaptureFiles.notACaptureMessage(path, in.buf, in.pos));
        }
        int bom = Bytes.i32(in.buf, in.pos + 8, false);
        if (bom != BYTE_ORDER_MAGIC && bom != Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            throw new CaptureException(CaptureException.Reason.NOT_A_CAPTURE, CaptureFiles.name(path)
                    + " starts like pcapng but its byte-order magic is " + String.format("0x%08x", bom)
                    + " instead of 1a2b3c4d; the file is damaged");
        }
    }

    /** Opens a pcapng file; prefer {@link CaptureFiles#open(Path)}, which also accepts pcap. */
    public static PcapngFileReader open(Path path) throws CaptureException {
        FileInput in = CaptureFiles.input(path, () -> false);
        try {
            return new PcapngFileReader(path, in);
        } catch (CaptureException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Reads pcapng bytes from any channel (tests and fuzzing read from memory); {@code name} is used
     * in messages only. The channel is closed with the reader.
     */
    static PcapngFileReader open(Path name, ReadableByteChannel ch, int bufferSize) throws CaptureException {
        return open(name, new FileInput(ch, bufferSize));
    }

    /** a reader over any {@link FileInput} */
    static PcapngFileReader open(Path name, FileInput in) throws CaptureException {
        try {
            return new PcapngFileReader(name, in);
        } catch (CaptureException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** sections seen so far */
    public int sections() {
        return sections;
    }

    /** interfaces described in the current section so far */
    public int interfaceCount() {
        return ifCount;
    }

    /** LINKTYPE_ value of interface {@code id} of the current section */
    public int linkType(int id) {
        return ifLinkType[id];
    }

    @Override
    public ReadResult readAll(FrameHandler handler) throws CaptureException {
        ReadResult r = readBlocks(handler);
        String big = bigFrames.note();
        if (big == null && wrappedNote == null) {
            return r;
        }
        java.util.List<String> notes = new java.util.ArrayList<>(2);
        if (big != null) {
            notes.add(big);
        }
        if (wrappedNote != null) {
            notes.add(wrappedInterfaces == 1 ? wrappedNote
                    : wrappedNote + "; the same holds for " + (wrappedInterfaces - 1)
                            + (wrappedInterfaces == 2 ? " more interface" : " more interfaces"));
        }
        return new ReadResult(r.frames(), r.bytes(), r.warning(), notes);
    }

    private ReadResult readBlocks(FrameHandler handler) throws CaptureException {
        long frames = 0;
        block = 0;
        try {
            while (true) {
                block++;   // 1-based number of the block about to be read, for messages
                if (!in.ensure(8)) {
                    int have = in.available();
                    if (have == 0) {
                        return new ReadResult(frames, in.offset(), null);
                    }
                    return new ReadResult(frames, in.offset(), truncated(in.offset(), 12, have, frames));
                }
                byte[] b = in.buf;
                int p = in.pos;
                int type = Bytes.i32(b, p, bigEndian);
                if (type == SHB) {
                    // section 4.1: the byte-order magic decides how this section is read
                    if (!in.ensure(12)) {
                        return new ReadResult(frames, in.offset(),
                                truncated(in.offset(), 28, in.available(), frames));
                    }
                    b = in.buf;
                    p = in.pos;
                    int bom = Bytes.i32(b, p + 8, false);
                    if (bom == BYTE_ORDER_MAGIC) {
                        bigEndian = false;
                    } else if (bom == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
                        bigEndian = true;
                    } else {
                        return new ReadResult(frames, in.offset(), corrupt(in.offset(),
                                "section header byte-order magic " + String.format("0x%08x", bom), frames));
                    }
                }
                long len = Bytes.u32(b, p + 4, bigEndian);
                // section 3.1: Block Total Length is a multiple of 4, at least 12, repeated at the end
                if (len < 12 || (len & 3) != 0 || len > MAX_BLOCK) {
                    return new ReadResult(frames, in.offset(), corrupt(in.offset(),
                            "block length " + len + " (type " + hexType(type) + ")", frames));
                }
                int n = (int) len;
                if (n > STREAMED_BLOCK) {
                    if (type == SHB || type == IDB) {
                        return new ReadResult(frames, in.offset(), corrupt(in.offset(), (type == SHB ? "section header"
                                : "interface description") + " block of " + n + " bytes (tcplens reads at most "
                                + STREAMED_BLOCK + " of their options)", frames));
                    }
                    long before = frames;
                    ReadResult stopped = streamed(type, n, handler, frames);
                    if (stopped != null) {
                        return stopped;
                    }
                    if (type == EPB || type == PB || type == SPB) {
                        frames = before + 1;
                    }
                    continue;
                }
                if (!in.ensure(n)) {
                    return new ReadResult(frames, in.offset(), truncated(in.offset(), n, in.available(), frames));
                }
                b = in.buf;
                p = in.pos;
                long trailer = Bytes.u32(b, p + n - 4, bigEndian);
                if (trailer != len) {
                    return new ReadResult(frames, in.offset(), corrupt(in.offset(), trailerMismatch(len, trailer, type),
                            frames));
                }
                String problem = null;
                switch (type) {
                    case SHB -> problem = section(b, p, n);
                    case IDB -> problem = interfaceDescription(b, p, n);
                    case EPB, PB -> {
                        problem = packetBlock(type, b, p, n, n - 32, handler);
                        if (problem == null) {
                            frames++;
                        }
                    }
                    case SPB -> {
                        problem = simplePacketBlock(b, p, n, n - 16, handler);
                        if (problem == null) {
                            frames++;
                        }
                    }
                    default -> {
                        // unknown or uninteresting block: skipped by its length (section 3.1)
                    }
                }
                if (problem != null) {
                    return new ReadResult(frames, in.offset(), corrupt(in.offset(), problem, frames));
                }
                in.skip(n);
            }
        } catch (IOException e) {
            throw CaptureFiles.ioError(path, e);
        }
    }

    /**
     * Section 4.3 (EPB) and Appendix A (the obsolete Packet Block: a 16-bit interface id and a drops
     * count): hands the frame over. {@code b[p..]} holds the block's first {@code 28 + present} bytes
     * at least, {@code present} of the frame's.
     *
     * @return null, or what is wrong with the block
     */
    private String packetBlock(int type, byte[] b, int p, int n, int present, FrameHandler handler) {
        if (n < 32) {
            return "packet block too short (" + n + " bytes)";
        }
        int ifId = type == EPB ? Bytes.i32(b, p + 8, bigEndian) : Bytes.u16(b, p + 8, bigEndian);
        long caplen = Bytes.u32(b, p + 20, bigEndian);
        long origlen = Bytes.u32(b, p + 24, bigEndian);
        if (ifId < 0 || ifId >= ifCount) {
            return "packet on interface " + (ifId & 0xFFFF_FFFFL) + " but the section describes " + ifCount
                    + " interfaces";
        }
        if (caplen > n - 32) {
            return "captured length " + caplen + " does not fit in a block of " + n + " bytes";
        }
        long units = (Bytes.u32(b, p + 12, bigEndian) << 32) | Bytes.u32(b, p + 16, bigEndian);
        handler.onFrame(toNanos(ifId, units), ifLinkType[ifId], ifId, b, p + 28, (int) Math.min(caplen, present),
                (int) Math.min(origlen, Integer.MAX_VALUE));
        return null;
    }

    /** section 4.4: interface 0, no timestamp; caplen = min(origlen, snaplen, body); as {@link #packetBlock} */
    private String simplePacketBlock(byte[] b, int p, int n, int present, FrameHandler handler) {
        if (ifCount == 0) {
            return "simple packet block before any interface description";
        }
        if (n < 16) {
            return "simple packet block too short (" + n + " bytes)";
        }
        long origlen = Bytes.u32(b, p + 8, bigEndian);
        long caplen = Math.min(origlen, n - 16);
        if (ifSnaplen[0] != 0) {
            caplen = Math.min(caplen, ifSnaplen[0]);
        }
        handler.onFrame(0L, ifLinkType[0], 0, b, p + 12, (int) Math.min(caplen, present),
                (int) Math.min(origlen, Integer.MAX_VALUE));
        return null;
    }

    /**
     * A block longer than {@link #STREAMED_BLOCK}, read without holding it: of a packet block the
     * header and the first {@link BigFrames#KEPT} bytes of the frame (an analyzer reads headers,
     * and no link carries frames this large: libpcap's MAXIMUM_SNAPLEN is 262144, pcap-int.h), of any
     * other block nothing; the rest is skipped and the trailing length checked.
     *
     * @return null when the block was read; else the result that ends the file
     */
    private ReadResult streamed(int type, int n, FrameHandler handler, long frames) throws IOException {
        long at = in.offset();
        boolean packet = type == EPB || type == PB || type == SPB;
        int header = type == SPB ? 12 : 28;
        long frameLength = 0;
        int kept = 0;
        if (packet) {
            if (!in.ensure(header)) {
                return new ReadResult(frames, at, truncated(at, n, in.available(), frames));
            }
            if (type == SPB) {
                frameLength = Math.min(Bytes.u32(in.buf, in.pos + 8, bigEndian), n - 16);
                if (ifCount > 0 && ifSnaplen[0] != 0) {
                    frameLength = Math.min(frameLength, ifSnaplen[0]);
                }
            } else {
                frameLength = Bytes.u32(in.buf, in.pos + 20, bigEndian);
            }
            kept = header + (int) Math.min(Math.min(frameLength, BigFrames.KEPT), n - header - 4);
            if (!in.ensure(kept)) {
                return new ReadResult(frames, at, truncated(at, n, in.available(), frames));
            }
            if (bigBlock == null) {
                bigBlock = new byte[28 + BigFrames.KEPT];   // once per reader, only for such a block
            }
            System.arraycopy(in.buf, in.pos, bigBlock, 0, kept);
        }
        if (!in.discard(n - 4L) || !in.ensure(4)) {
            return new ReadResult(frames, at, truncated(at, n, (int) (in.offset() + in.available() - at), frames));
        }
        long trailer = Bytes.u32(in.buf, in.pos, bigEndian);
        if (trailer != n) {
            return new ReadResult(frames, at, corrupt(at, trailerMismatch(n, trailer, type), frames));
        }
        in.skip(4);
        if (packet) {
            String problem = type == SPB ? simplePacketBlock(bigBlock, 0, n, kept - header, handler)
                    : packetBlock(type, bigBlock, 0, n, kept - header, handler);
            if (problem != null) {
                return new ReadResult(frames, at, corrupt(at, problem, frames));
            }
            if (frameLength > BigFrames.KEPT) {
                bigFrames.add(block, at, frameLength);
            }
        }
        return null;
    }

    private static String trailerMismatch(long len, long trailer, int type) {
        return "block length " + len + " but trailing length " + trailer + " (type " + hexType(type) + ")";
    }

    private String section(byte[] b, int p, int n) {
        if (n < 28) {
            return "section header block too short (" + n + " bytes)";
        }
        int major = Bytes.u16(b, p + 12, bigEndian);
        if (major != 1) {
            return "pcapng major version " + major + " (tcplens reads version 1)";
        }
        sections++;
        ifCount = 0; // section 4.2: interface ids are per section
        return null;
    }

    private String interfaceDescription(byte[] b, int p, int n) {
        if (n < 20) {
            return "interface description block too short (" + n + " bytes)";
        }
        if (ifCount == MAX_INTERFACES) {
            return "more than " + MAX_INTERFACES + " interfaces described in one section (tcplens keeps at most "
                    + MAX_INTERFACES + ": a real capture has a few)";
        }
        if (ifCount == ifLinkType.length) {
            int size = ifCount * 2;
            ifLinkType = Arrays.copyOf(ifLinkType, size);
            ifSnaplen = Arrays.copyOf(ifSnaplen, size);
            ifTsKind = Arrays.copyOf(ifTsKind, size);
            ifTsArg = Arrays.copyOf(ifTsArg, size);
            ifOffsetNs = Arrays.copyOf(ifOffsetNs, size);
            ifOffsetSec = Arrays.copyOf(ifOffsetSec, size);
            ifMaxUnits = Arrays.copyOf(ifMaxUnits, size);
            ifWrapped = Arrays.copyOf(ifWrapped, size);
            ifOffsetWraps = Arrays.copyOf(ifOffsetWraps, size);
        }
        int id = ifCount;
        ifLinkType[id] = Bytes.u16(b, p + 8, bigEndian);
        ifSnaplen[id] = Bytes.u32(b, p + 12, bigEndian);
        int tsresol = 6; // section 4.2, if_tsresol default: microseconds
        long offsetSec = 0;
        int o = p + 16;
        int end = p + n - 4;
        while (o + 4 <= end) { // bounded: o advances by at least 4 each time
            int code = Bytes.u16(b, o, bigEndian);
            int olen = Bytes.u16(b, o + 2, bigEndian);
            if (code == 0) {
                break;
            }
            if (o + 4 + olen > end) {
                return "interface " + id + " option " + code + " runs past the end of its block";
            }
            if (code == 9 && olen >= 1) {
                tsresol = b[o + 4] & 0xFF;
            } else if (code == 14 && olen >= 8) {
                // signed 64-bit seconds in the section's byte order
                long w0 = Bytes.u32(b, o + 4, bigEndian);
                long w1 = Bytes.u32(b, o + 8, bigEndian);
                offsetSec = bigEndian ? (w0 << 32) | w1 : (w1 << 32) | w0;
            }
            o += 4 + ((olen + 3) & ~3);
        }
        // if_tsresol: high bit 0 -> 10^-n seconds, high bit 1 -> 2^-n seconds
        int exp = tsresol & 0x7F;
        if ((tsresol & 0x80) == 0) {
            if (exp <= 9) {
                ifTsKind[id] = MUL;
                ifTsArg[id] = POW10[9 - exp];
            } else if (exp <= 18) {
                ifTsKind[id] = DIV;
                ifTsArg[id] = POW10[exp - 9];
            } else {
                return "interface " + id + " has an unusable time resolution 10^-" + exp;
            }
        } else {
            if (exp > 63) {
                return "interface " + id + " has an unusable time resolution 2^-" + exp;
            }
            ifTsKind[id] = SHIFT;
            ifTsArg[id] = exp;
        }
        ifOffsetSec[id] = offsetSec;
        ifOffsetNs[id] = offsetSec * NS_PER_S;   // wraps for |offset| > 9.2e9 s: toNanos notes it
        ifMaxUnits[id] = ifTsKind[id] == MUL ? Long.MAX_VALUE / ifTsArg[id] : -1L;
        ifOffsetWraps[id] = Math.multiplyHigh(offsetSec, NS_PER_S) != (ifOffsetNs[id] >> 63);
        ifWrapped[id] = false;
        ifCount++;
        return null;
    }

    /**
     * Interface time units (unsigned 64-bit) to epoch nanoseconds, truncating. A result beyond a signed
     * 64-bit count of nanoseconds (before 1677-09-21 or after 2262-04-11) wraps around, and the first
     * such timestamp of an interface is noted: a huge {@code if_tsoffset} is the usual cause.
     */
    private long toNanos(int id, long units) {
        long arg = ifTsArg[id];
        long ns;
        boolean over;
        switch (ifTsKind[id]) {
            case MUL -> {
                ns = units * arg;
                over = Long.compareUnsigned(units, ifMaxUnits[id]) > 0;
            }
            case DIV -> {
                ns = Long.divideUnsigned(units, arg);   // arg >= 10: always below 2^63
                over = false;
            }
            default -> {
                ns = mulShift(units, NS_PER_S, (int) arg);
                over = ns < 0 || mulShiftHigh(units, NS_PER_S, (int) arg) != 0;
            }
        }
        long off = ifOffsetNs[id];
        long t = ns + off;
        // the offset in ns overflowed, or the sum did: both operands' signs differ from the result's
        // (Math.addExact's test, Hacker's Delight 2-13)
        if ((over || ifOffsetWraps[id] || ((ns ^ t) & (off ^ t)) < 0)
                && !ifWrapped[id]) {
            wrapped(id);
        }
        return t;
    }

    private void wrapped(int id) {
        ifWrapped[id] = true;
        wrappedInterfaces++;
        if (wrappedNote == null) {
            wrappedNote = "interface " + id + " of section " + sections + " (if_tsoffset " + ifOffsetSec[id]
                    + " s): a timestamp is beyond what 64-bit epoch nanoseconds hold (1677-09-21 to 2262-04-11),"
                    + " so the absolute times of its packets are wrong (wrapped around)";
        }
    }

    /** floor(a * b / 2^shift) for unsigned a, non-negative b, 0 <= shift < 128, via 128-bit math */
    static long mulShift(long a, long b, int shift) {
        long lo = a * b;
        long hi = Math.multiplyHigh(a, b) + ((a >> 63) & b); // unsigned a, b >= 0
        if (shift == 0) {
            return lo;
        }
        if (shift < 64) {
            return (lo >>> shift) | (hi << (64 - shift));
        }
        return hi >>> (shift - 64);
    }

    /** the bits of {@link #mulShift}'s exact result above the low 64: 0 when it fits in 64 bits */
    static long mulShiftHigh(long a, long b, int shift) {
        if (shift >= 64) {
            return 0;
        }
        long hi = Math.multiplyHigh(a, b) + ((a >> 63) & b);
        return hi >>> shift;
    }

    private static String hexType(int type) {
        return String.format("0x%08x", type);
    }

    private String corrupt(long at, String what, long frames) {
        return "corrupt block " + block + " at byte " + at + ": " + what + "; " + frames + " complete frames were read";
    }

    private String truncated(long at, long need, int have, long frames) {
        return "file truncated: block " + block + " at byte " + at + " needs " + need + " bytes, only " + have
                + " present; " + frames + " complete frames were read";
    }

    @Override
    public void close() {
        in.close();
    }
}
