package io.tcplens.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Streaming window over a file: one reused heap buffer, refilled from a channel (a file, or bytes in
 * memory for tests) and grown only when a single record is larger than it. Callers read at
 * {@link #buf}[{@link #pos}...].
 *
 * <p>Growth follows the bytes actually read, never a length claimed by the file: the buffer at
 * most doubles each time it is full, so a record header claiming 200 MB in a 1 kB file costs no
 * more than a few kB (the file ends first).
 */
final class FileInput implements AutoCloseable {

    static final int DEFAULT_SIZE = 1 << 20;

    private final ReadableByteChannel channel;
    byte[] buf;
    private ByteBuffer window;
    /** next unread byte in {@link #buf} */
    int pos;
    /** end of valid data in {@link #buf} */
    private int limit;
    /** file offset of buf[0] */
    private long base;
    private boolean eof;

    FileInput(ReadableByteChannel channel, int size) {
        this.channel = channel;
        this.buf = new byte[size];
        this.window = ByteBuffer.wrap(buf);
    }

    /**
     * The file behind this input, for a reader that reads it directly from {@link #offset()} on
     * (see {@link PcapFileReader}); null when the input is not a file.
     */
    java.nio.channels.FileChannel file() {
        return channel instanceof java.nio.channels.FileChannel f ? f : null;
    }

    /** bytes available from {@link #pos} without reading */
    int available() {
        return limit - pos;
    }

    /** file offset of {@link #pos} */
    long offset() {
        return base + pos;
    }

    /** advances {@link #pos} by n bytes, which must be available */
    void skip(int n) {
        pos += n;
    }

    /**
     * Makes {@code n} bytes available from {@link #pos}, reading (and growing the buffer) as needed.
     *
     * @return false if the file ends first; {@link #available()} then tells how many bytes remain
     */
    boolean ensure(int n) throws IOException {
        if (limit - pos >= n) {
            return true;
        }
        if (pos + n > buf.length && pos > 0) {
            // make room at the end by moving the unread bytes to the front
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            base += pos;
            limit -= pos;
            pos = 0;
        }
        while (limit - pos < n && !eof) {
            if (limit == buf.length) {
                // full and still short: grow, but only as far as bytes keep arriving (see class comment)
                long size = Math.min((long) n, Math.min(Integer.MAX_VALUE - 8L, 2L * buf.length));
                byte[] bigger = new byte[(int) size];
                System.arraycopy(buf, 0, bigger, 0, limit);
                buf = bigger;
                window = ByteBuffer.wrap(buf);
            }
            window.limit(buf.length).position(limit);
            int r = channel.read(window);
            if (r < 0) {
                eof = true;
            } else {
                limit += r;
            }
        }
        return limit - pos >= n;
    }

    /**
     * Moves {@link #pos} forward by {@code n} bytes without keeping them: those buffered are dropped,
     * the rest of a file is skipped by its position, the rest of a stream read through the buffer and
     * dropped. Memory stays the buffer's, whatever {@code n}.
     *
     * @return false if the input ends first; {@link #offset()} is then its end
     */
    boolean discard(long n) throws IOException {
        int have = limit - pos;
        if (n <= have) {
            pos += (int) n;
            return true;
        }
        n -= have;
        base += limit;
        pos = 0;
        limit = 0;
        if (channel instanceof java.nio.channels.FileChannel f && !eof) {
            long at = f.position();
            long size = f.size();
            if (size - at >= n) {
                f.position(at + n);
                base += n;
                return true;
            }
            f.position(size);
            base += size - at;
            eof = true;
            return false;
        }
        while (n > 0 && !eof) {
            window.limit((int) Math.min(buf.length, n)).position(0);
            int r = channel.read(window);
            if (r < 0) {
                eof = true;
            } else {
                base += r;
                n -= r;
            }
        }
        return n == 0;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do on close of a read-only file
        }
    }
}
