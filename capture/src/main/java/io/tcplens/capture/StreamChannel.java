package io.tcplens.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A pipe, FIFO or standard input, opened and read by a daemon thread into a few reused chunks. The
 * thread that analyses waits on a queue instead of in open(2) or read(2), so it gives up within
 * {@link #POLL_MS} when {@code stop} says so: a FIFO that nobody writes (its open(2) blocks until a
 * writer opens it, fifo(7)) or a writer that went quiet never keeps SIGINT/SIGTERM from ending the
 * run. The bytes are read once, in order: the format's magic comes from this same stream.
 */
final class StreamChannel implements ReadableByteChannel {

    /** what the daemon thread opens */
    @FunctionalInterface
    interface Source {
        InputStream open() throws IOException;
    }

    /** bytes per read: the default capacity of a Linux pipe (pipe(7), 16 pages) */
    static final int CHUNK = 1 << 16;
    /** chunks in flight: memory is bounded by CHUNKS x CHUNK whatever the writer does */
    static final int CHUNKS = 4;
    /** how often a reader waiting for bytes asks {@code stop} */
    static final long POLL_MS = 50;

    private static final class Chunk {
        final byte[] data;
        int length;

        Chunk(int size) {
            data = new byte[size];
        }
    }

    /** end of the stream; {@link #failure} tells whether it ended in an error */
    private static final Chunk END = new Chunk(0);

    private final String name;
    private final BooleanSupplier stop;
    private final ArrayBlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(CHUNKS + 1);
    private final ArrayBlockingQueue<Chunk> empty = new ArrayBlockingQueue<>(CHUNKS);
    private final Thread pump;
    private volatile IOException failure;
    private Chunk current;
    private int pos;
    private boolean eof;
    private boolean closed;

    StreamChannel(String name, Source source, BooleanSupplier stop) {
        this.name = name;
        this.stop = stop;
        for (int i = 0; i < CHUNKS; i++) {
            empty.add(new Chunk(CHUNK));
        }
        pump = new Thread(() -> pump(source), "tcplens-read");
        pump.setDaemon(true);   // may stay blocked in open(2)/read(2) of a silent pipe: never keeps the JVM up
        pump.start();
    }

    private void pump(Source source) {
        try (InputStream in = source.open()) {
            while (true) {
                Chunk c = empty.take();
                int r;
                do {
                    r = in.read(c.data, 0, c.data.length);
                } while (r == 0);
                if (r < 0) {
                    break;
                }
                c.length = r;
                filled.put(c);
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            return;   // closed by the reader: nobody waits for END
        }
        filled.offer(END);   // never full: at most CHUNKS data chunks are in it
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (eof) {
            return -1;
        }
        while (current == null) {
            Chunk c;
            try {
                c = filled.poll(POLL_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + name);
            }
            if (c == null) {
                if (stop.getAsBoolean()) {
                    throw new InterruptedIOException("stopped while waiting for " + name + " to be written");
                }
            } else if (c == END) {
                eof = true;
                if (failure != null) {
                    throw failure;
                }
                return -1;
            } else {
                current = c;
                pos = 0;
            }
        }
        int n = Math.min(dst.remaining(), current.length - pos);
        dst.put(current.data, pos, n);
        pos += n;
        if (pos == current.length) {
            empty.offer(current);
            current = null;
        }
        return n;
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
        // a pump blocked on the queue ends now; one blocked in read(2) of a FileChannel-backed stream is
        // woken by the interrupt (the channel closes); one blocked in open(2) of a FIFO ends with the JVM
        pump.interrupt();
    }
}
