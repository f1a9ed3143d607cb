package io.tcplens.capture;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A single-producer, single-consumer ring of frames: the capture thread copies each frame into one
 * preallocated byte ring and records (offset, length, original length, timestamp) in primitive
 * arrays; the analysis thread hands the frames to a {@link FrameHandler} straight from the ring.
 * No object is created per frame. A frame is always contiguous in the byte ring (when it does not
 * fit before the end, the rest of the ring is skipped). When the ring is full the producer does not
 * wait: the frame is counted as dropped, so libpcap is never blocked by slow analysis.
 */
final class FrameRing {

    private final byte[] data;
    private final int slots;
    private final long[] tsNanos;
    private final int[] offset;
    private final int[] length;
    private final int[] origLength;
    private final long[] endPos;

    /** frames published by the producer (release) */
    private final AtomicLong written = new AtomicLong();
    /** frames consumed (release) */
    private final AtomicLong read = new AtomicLong();
    /** byte position up to which the consumer has released space (release) */
    private final AtomicLong readPos = new AtomicLong();
    /** producer-only byte position */
    private long writePos;
    private volatile long dropped; // written by the producer only

    private volatile Thread waiter;

    FrameRing(int bytes, int slots) {
        if (bytes < 65536 || slots < 16) {
            throw new IllegalArgumentException("ring too small: " + bytes + " bytes, " + slots + " slots");
        }
        this.data = new byte[bytes];
        this.slots = slots;
        this.tsNanos = new long[slots];
        this.offset = new int[slots];
        this.length = new int[slots];
        this.origLength = new int[slots];
        this.endPos = new long[slots];
    }

    /** Producer: copies one frame in; false (and counted) when the ring is full. */
    boolean offer(long ts, byte[] frame, int len, int origLen) {
        long w = written.get();
        if (w - read.get() >= slots || len > data.length) {
            dropped++;
            return false;
        }
        int cap = data.length;
        int at = (int) (writePos % cap);
        long start = writePos;
        if (at + len > cap) { // keep frames contiguous: skip the tail of the ring
            start += cap - at;
            at = 0;
        }
        long end = start + len;
        if (end - readPos.get() > cap) {
            dropped++;
            return false;
        }
        System.arraycopy(frame, 0, data, at, len);
        int s = (int) (w % slots);
        tsNanos[s] = ts;
        offset[s] = at;
        length[s] = len;
        origLength[s] = origLen;
        endPos[s] = end;
        writePos = end;
        written.lazySet(w + 1); // release: the slot is visible before the count
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
        return true;
    }

    /** Consumer: hands up to {@code max} frames to {@code handler}; returns how many. */
    int drain(FrameHandler handler, int linkType, int max) {
        long r = read.get();
        long w = written.get();
        int n = 0;
        while (r < w && n < max) {
            int s = (int) (r % slots);
            handler.onFrame(tsNanos[s], linkType, 0, data, offset[s], length[s], origLength[s]);
            readPos.lazySet(endPos[s]);
            read.lazySet(++r);
            n++;
        }
        return n;
    }

    /** Consumer: waits until a frame is available or {@code nanos} have passed. */
    void await(long nanos) {
        waiter = Thread.currentThread();
        try {
            if (isEmpty()) {
                LockSupport.parkNanos(this, nanos);
            }
        } finally {
            waiter = null;
        }
    }

    /** Wakes a consumer blocked in {@link #await}. */
    void wake() {
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    boolean isEmpty() {
        return read.get() == written.get();
    }

    /** frames the producer could not store because the ring was full (producer's count) */
    long dropped() {
        return dropped;
    }
}
