package io.tcplens.capture;

import java.io.IOException;
import java.nio.channels.FileChannel;
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

    private static final long[] POW10 = new long[19];

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
    private int[] ifLinkType = new int[4];
    private long[] ifSnaplen = new long[4];
    private int[] ifTsKind = new int[4];
    private long[] ifTsArg = new long[4];
    private long[] ifOffsetNs = new long[4];

    private PcapngFileReader(Path path, FileInput in) throws CaptureException {
        this.path = path;
        this.in = in;
        try {
            if (!in.ensure(12)) {
                throw new CaptureException(CaptureException.Reason.NOT_A_CAPTURE, path
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
            throw new CaptureException(CaptureException.Reason.NOT_A_CAPTURE, path
                    + " starts like pcapng but its byte-order magic is " + String.format("0x%08x", bom)
                    + " instead of 1a2b3c4d; the file is damaged");
        }
    }

    /** Opens a pcapng file; prefer {@link CaptureFiles#open(Path)}, which also accepts pcap. */
    public static PcapngFileReader open(Path path) throws CaptureException {
        FileChannel ch = CaptureFiles.openChannel(path);
        FileInput in = new FileInput(ch, FileInput.DEFAULT_SIZE);
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
                if (!in.ensure(n)) {
                    return new ReadResult(frames, in.offset(), truncated(in.offset(), n, in.available(), frames));
                }
                b = in.buf;
                p = in.pos;
                long trailer = Bytes.u32(b, p + n - 4, bigEndian);
                if (trailer != len) {
                    return new ReadResult(frames, in.offset(), corrupt(in.offset(), "block length " + len
                            + " but trailing length " + trailer + " (type " + hexType(type) + ")", frames));
                }
                String problem = null;
                switch (type) {
                    case SHB -> problem = section(b, p, n);
                    case IDB -> problem = interfaceDescription(b, p, n);
                    case EPB, PB -> {
                        // section 4.3 (EPB); Appendix A (obsolete Packet Block: 16-bit interface id + drops)
                        if (n < 32) {
                            problem = "packet block too short (" + n + " bytes)";
                            break;
                        }
                        int ifId = type == EPB ? Bytes.i32(b, p + 8, bigEndian) : Bytes.u16(b, p + 8, bigEndian);
                        long caplen = Bytes.u32(b, p + 20, bigEndian);
                        long origlen = Bytes.u32(b, p + 24, bigEndian);
                        if (ifId < 0 || ifId >= ifCount) {
                            problem = "packet on interface " + (ifId & 0xFFFF_FFFFL) + " but the section describes "
                                    + ifCount + " interfaces";
                        } else if (caplen > n - 32) {
                            problem = "captured length " + caplen + " does not fit in a block of " + n + " bytes";
                        } else {
                            long units = (Bytes.u32(b, p + 12, bigEndian) << 32) | Bytes.u32(b, p + 16, bigEndian);
                            handler.onFrame(toNanos(ifId, units), ifLinkType[ifId], ifId, b, p + 28, (int) caplen,
                                    (int) Math.min(origlen, Integer.MAX_VALUE));
                            frames++;
                        }
                    }
                    case SPB -> {
                        // section 4.4: interface 0, no timestamp; caplen = min(origlen, snaplen, body)
                        if (ifCount == 0) {
                            problem = "simple packet block before any interface description";
                            break;
                        }
                        if (n < 16) {
                            problem = "simple packet block too short (" + n + " bytes)";
                            break;
                        }
                        long origlen = Bytes.u32(b, p + 8, bigEndian);
                        long caplen = Math.min(origlen, n - 16);
                        if (ifSnaplen[0] != 0) {
                            caplen = Math.min(caplen, ifSnaplen[0]);
                        }
                        handler.onFrame(0L, ifLinkType[0], 0, b, p + 12, (int) caplen,
                                (int) Math.min(origlen, Integer.MAX_VALUE));
                        frames++;
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
        if (ifCount == ifLinkType.length) {
            int size = ifCount * 2;
            ifLinkType = Arrays.copyOf(ifLinkType, size);
            ifSnaplen = Arrays.copyOf(ifSnaplen, size);
            ifTsKind = Arrays.copyOf(ifTsKind, size);
            ifTsArg = Arrays.copyOf(ifTsArg, size);
            ifOffsetNs = Arrays.copyOf(ifOffsetNs, size);
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
        ifOffsetNs[id] = offsetSec * 1_000_000_000L;
        ifCount++;
        return null;
    }

    /** interface time units (unsigned 64-bit) to epoch nanoseconds, truncating */
    private long toNanos(int id, long units) {
        long arg = ifTsArg[id];
        long ns;
        switch (ifTsKind[id]) {
            case MUL -> ns = units * arg;
            case DIV -> ns = Long.divideUnsigned(units, arg);
            default -> ns = mulShift(units, 1_000_000_000L, (int) arg);
        }
        return ns + ifOffsetNs[id];
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
