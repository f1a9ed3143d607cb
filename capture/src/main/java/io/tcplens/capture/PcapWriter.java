package io.tcplens.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a classic pcap file (draft-ietf-opsawg-pcap), little-endian, nanosecond magic a1b23c4d by
 * default or microsecond magic a1b2c3d4. Buffered; no allocation per frame. Not thread-safe.
 */
public final class PcapWriter implements AutoCloseable {

    private static final int BUFFER = 1 << 16;

    private final OutputStream out;
    private final boolean nanos;
    private final int snaplen;
    private final byte[] buf = new byte[BUFFER];
    private int fill;
    private long frames;
    private boolean closed;

    /** Creates (or replaces) {@code path} with nanosecond timestamps. */
    public PcapWriter(Path path, int linkType, int snaplen) throws IOException {
        this(Files.newOutputStream(path), linkType, snaplen, true);
    }

    /** Creates (or replaces) {@code path}; {@code nanos} false writes microsecond timestamps. */
    public PcapWriter(Path path, int linkType, int snaplen, boolean nanos) throws IOException {
        this(Files.newOutputStream(path), linkType, snaplen, nanos);
    }

    /**
     * Writes the file header to {@code out}, which this writer then owns and closes.
     *
     * @param snaplen frames longer than this are cut to it (0 or less: 262144)
     */
    public PcapWriter(OutputStream out, int linkType, int snaplen, boolean nanos) throws IOException {
        if (linkType < 0 || linkType > 0xFFFF) {
            throw new IllegalArgumentException("link type " + linkType + " is not a 16-bit LINKTYPE_ value");
        }
        this.out = out;
        this.nanos = nanos;
        this.snaplen = snaplen > 0 ? snaplen : 262144;
        Bytes.putI32LE(buf, 0, nanos ? 0xA1B23C4D : 0xA1B2C3D4);
        Bytes.putI16LE(buf, 4, (short) 2);
        Bytes.putI16LE(buf, 6, (short) 4);
        Bytes.putI32LE(buf, 8, 0);
        Bytes.putI32LE(buf, 12, 0);
        Bytes.putI32LE(buf, 16, this.snaplen);
        Bytes.putI32LE(buf, 20, linkType);
        fill = 24;
    }

    /**
     * Appends one frame. {@code caplen} is cut to the snaplen; the timestamp is rounded down to
     * microseconds for a microsecond file.
     */
    public void write(long tsNanos, byte[] data, int off, int caplen, int origLen) throws IOException {
        if (closed) {
            throw new IOException("pcap writer is closed");
        }
        if (caplen < 0 || off < 0 || off + caplen > data.length) {
            throw new IndexOutOfBoundsException("frame [" + off + ", " + off + "+" + caplen + ") outside "
                    + data.length + " bytes");
        }
        int cap = Math.min(caplen, snaplen);
        long sec = Math.floorDiv(tsNanos, 1_000_000_000L);
        long frac = Math.floorMod(tsNanos, 1_000_000_000L);
        if (!nanos) {
            frac /= 1000;
        }
        if (BUFFER - fill < 16) {
            flushBuffer();
        }
        Bytes.putI32LE(buf, fill, (int) sec);
        Bytes.putI32LE(buf, fill + 4, (int) frac);
        Bytes.putI32LE(buf, fill + 8, cap);
        Bytes.putI32LE(buf, fill + 12, Math.max(origLen, caplen));
        fill += 16;
        if (cap > BUFFER - fill) {
            flushBuffer();
            if (cap > BUFFER) {
                out.write(data, off, cap);
                frames++;
                return;
            }
        }
        System.arraycopy(data, off, buf, fill, cap);
        fill += cap;
        frames++;
    }

    /** frames written so far */
    public long frames() {
        return frames;
    }

    /** Writes buffered frames to the underlying stream. */
    public void flush() throws IOException {
        flushBuffer();
        out.flush();
    }

    private void flushBuffer() throws IOException {
        if (fill > 0) {
            out.write(buf, 0, fill);
            fill = 0;
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flushBuffer();
        } finally {
            out.close();
        }
    }
}
