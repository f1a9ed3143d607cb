package io.tcplens.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Streaming window over a file: one reused heap buffer, refilled from a channel (a file, or bytes in
 * memory for tests) and grown only when a single record is larger than it. Callers read at
 * {@link #buf}[{@link #pos}...].
 *
 * <p>Growth follows the bytes actually read, never a length claimed by the file: the buffer at
 * most doubles each time it is full, so a record header claiming 200 MB in a 1 kB file costs no
 * more than a few kB (the file ends first).
 *
 * <p>With a reader thread ({@link #prefetching}), a second thread fills large blocks from the
 * channel into a small pool of reused arrays and hands them over through a bounded queue; the
 * consumer reads each block in place. Each block has {@code head} spare bytes in front of its data:
 * the unread tail of the previous block (a record cut by the block boundary) is copied there, so
 * only that tail is copied on the consumer's side. A record longer than the spare room is
 * assembled in a private array (rare: records are usually at most a snaplen). Nothing is allocated
 * per record; the bytes, offsets and results are the same as without the thread.
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
    /** the reader thread's side, or null (reads happen in {@link #ensure}) */
    private final Prefetch prefetch;
    /** true while {@link #buf} is one of the prefetch pool's blocks */
    private boolean pooled;

    /** default block size and pool of the reader thread: 4 blocks of 4 MiB */
    static final int BLOCK = 4 << 20;
    static final int BLOCKS = 4;
    /** spare room in front of each block, for the tail of the previous one */
    static final int HEAD = 256 << 10;
    /**
     * blocks of the default size left by closed inputs, for the next file: reading many files in a
     * row (rotated captures) then allocates no new blocks per file
     */
    private static final ArrayBlockingQueue<byte[]> SPARE = new ArrayBlockingQueue<>(BLOCKS);
    /** the smallest block (for files smaller than {@link #BLOCK}) */
    static final int MIN_BLOCK = 64 << 10;

    FileInput(ReadableByteChannel channel, int size) {
        this.channel = channel;
        this.buf = new byte[size];
        this.window = ByteBuffer.wrap(buf);
        this.prefetch = null;
    }

    private FileInput(ReadableByteChannel channel, int block, int head, int blocks) {
        this.channel = channel;
        this.buf = new byte[0];
        this.prefetch = new Prefetch(channel, block, head, blocks);
    }

    /** A file input whose blocks are read ahead by a reader thread (see the class comment). */
    static FileInput prefetching(ReadableByteChannel channel) {
        int block = BLOCK;
        if (channel instanceof java.nio.channels.FileChannel file) {
            try {
                // a small file gets small blocks: memory follows the file, not the defaults
                block = (int) Math.max(MIN_BLOCK, Math.min(BLOCK, file.size()));
            } catch (IOException e) {
                // keep the default; the read reports the problem
            }
        }
        return prefetching(channel, block, Math.min(HEAD, block), BLOCKS);
    }

    /** tests: small blocks and spare room exercise every boundary case */
    static FileInput prefetching(ReadableByteChannel channel, int block, int head, int blocks) {
        FileInput in = new FileInput(channel, block, head, blocks);
        in.prefetch.start();
        return in;
    }

    /** Opens the input a file reader uses: with a reader thread or without. */
    static FileInput of(ReadableByteChannel channel, boolean readerThread) {
        return readerThread ? prefetching(channel) : new FileInput(channel, DEFAULT_SIZE);
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
        if (prefetch != null) {
            return ensurePrefetched(n);
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

    private boolean ensurePrefetched(int n) throws IOException {
        while (limit - pos < n && !eof) {
            Prefetch.Block f = prefetch.next();
            if (f.error() != null) {
                throw f.error();
            }
            if (f.buf() == null) {
                eof = true;
                break;
            }
            int left = limit - pos;
            long end = base + limit;   // file offset of f's first byte
            int head = prefetch.head;
            if (left <= head) {
                // the usual case: the tail of this block goes into the spare room of the next
                System.arraycopy(buf, pos, f.buf(), head - left, left);
                release();
                buf = f.buf();
                pooled = true;
                pos = head - left;
                limit = head + f.length();
                base = end - head;
            } else {
                // a record longer than the spare room: assemble it in a private array
                byte[] target = buf;
                if (pooled || buf.length - limit < f.length()) {
                    target = new byte[(int) Math.min(Integer.MAX_VALUE - 8L,
                            Math.max(2L * left, (long) left + f.length()))];
                    System.arraycopy(buf, pos, target, 0, left);
                    base += pos;
                    limit = left;
                    pos = 0;
                }
                System.arraycopy(f.buf(), head, target, limit, f.length());
                release();
                prefetch.free.offer(f.buf());
                buf = target;
                pooled = false;
                limit += f.length();
            }
        }
        return limit - pos >= n;
    }

    /** gives the current block back to the reader thread */
    private void release() {
        if (pooled) {
            prefetch.free.offer(buf);
            pooled = false;
        }
    }

    /** The reader thread: fills free blocks from the channel, hands them over in file order. */
    private static final class Prefetch implements Runnable {
        /** a filled block ({@code buf} null: the end of the file, or {@code error}) */
        record Block(byte[] buf, int length, IOException error) {
        }

        private static final Block END = new Block(null, 0, null);

        final ReadableByteChannel channel;
        final int block;
        final int head;
        final ArrayBlockingQueue<byte[]> free;
        final ArrayBlockingQueue<Block> full;
        final Thread thread;
        /** pool size; blocks are made by the reader thread as needed (a small file needs one) */
        final int blocks;
        private int created;
        volatile boolean closed;

        Prefetch(ReadableByteChannel channel, int block, int head, int blocks) {
            this.channel = channel;
            this.block = block;
            this.head = head;
            this.blocks = blocks;
            this.free = new ArrayBlockingQueue<>(blocks);
            this.full = new ArrayBlockingQueue<>(blocks + 1);   // + the end marker
            this.thread = new Thread(this, "tcplens-reader");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        Block next() throws IOException {
            try {
                return full.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while reading");
            }
        }

        @Override
        public void run() {
            try {
                while (!closed) {
                    byte[] b = free.poll();
                    if (b == null) {
                        if (created < blocks) {
                            created++;
                            b = head + block == HEAD + BLOCK ? SPARE.poll() : null;
                            if (b == null) {
                                b = new byte[head + block];
                            }
                        } else {
                            b = free.take();
                        }
                    }
                    ByteBuffer bb = ByteBuffer.wrap(b, head, block);
                    boolean end = false;
                    while (bb.hasRemaining()) {
                        if (channel.read(bb) < 0) {
                            end = true;
                            break;
                        }
                    }
                    int n = bb.position() - head;
                    if (n > 0) {
                        full.put(new Block(b, n, null));
                    }
                    if (end) {
                        full.put(END);
                        return;
                    }
                }
            } catch (IOException e) {
                if (!closed) {
                    full.offer(new Block(null, 0, e));
                }
            } catch (InterruptedException e) {
                // closed
            }
        }

        /** stops the reader thread; once it has ended, keeps its blocks for the next file */
        void close(byte[] current) {
            closed = true;
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive() || head + block != HEAD + BLOCK) {
                return;
            }
            spare(current);
            for (Block f = full.poll(); f != null; f = full.poll()) {
                spare(f.buf());
            }
            for (byte[] b = free.poll(); b != null; b = free.poll()) {
                spare(b);
            }
        }

        private void spare(byte[] b) {
            if (b != null && b.length == HEAD + BLOCK) {
                SPARE.offer(b);
            }
        }
    }

    @Override
    public void close() {
        if (prefetch != null) {
            prefetch.close(pooled ? buf : null);
            pooled = false;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do on close of a read-only file
        }
    }
}
