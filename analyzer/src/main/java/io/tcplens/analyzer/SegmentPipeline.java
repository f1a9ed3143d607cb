package io.tcplens.analyzer;

import io.tcplens.analyzer.decode.TcpSegment;
import io.tcplens.analyzer.session.SessionTracker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Two cores, one analysis: the thread that reads and decodes frames fills a ring of reused
 * {@link TcpSegment} views; a second thread ("tcplens-sessions") takes them out in the same order
 * and applies them to the {@link SessionTracker}. The tracker sees exactly the calls a single
 * thread would make, so the sessions, and every byte of the report, are the same.
 *
 * <p>Single producer, single consumer, no locks and nothing allocated per segment: the producer
 * decodes straight into the next free slot and publishes slots in batches with a release store of
 * its index; the consumer reads that index with an acquire load (the Java memory model's
 * happens-before makes the slot's fields visible) and hands back slots the same way. Each side
 * keeps its own copy of the other's index and reads the shared one only when it seems to have run
 * out, so the two cores rarely exchange cache lines. A side that must wait spins briefly, then
 * yields, then parks for microseconds.
 *
 * <p>Whatever the consumer throws (a closed pipe, an output error, out of memory) stops it; the
 * producer rethrows that same throwable from its next {@link #claim()} or from {@link #finish()}.
 */
final class SegmentPipeline {

    /** slots in the ring: 1024 segments (~200 kB), enough to ride out a burst of non-TCP frames */
    static final int CAPACITY = 1 << 10;
    /** slots published (and handed back) together */
    private static final int BATCH = 32;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(SegmentPipeline.class, "head", long.class);
            TAIL = l.findVarHandle(SegmentPipeline.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final TcpSegment[] slots = new TcpSegment[CAPACITY];
    private final long[] timestamps = new long[CAPACITY];
    private final SessionTracker tracker;
    private final Thread consumer;

    // producer side (the reading thread)
    private long produced;        // slots filled so far
    private long knownTail;       // the consumer's index as last read
    // padding keeps the two shared indices on separate cache lines
    @SuppressWarnings("unused")
    private long p1, p2, p3, p4, p5, p6, p7;
    /** published by the producer: slots [0, head) may be consumed */
    private volatile long head;
    @SuppressWarnings("unused")
    private long q1, q2, q3, q4, q5, q6, q7;
    /** handed back by the consumer: slots [0, tail) may be refilled */
    private volatile long tail;
    @SuppressWarnings("unused")
    private long r1, r2, r3, r4, r5, r6, r7;

    private volatile boolean closing;    // no more segments: drain and stop
    private volatile boolean abandoned;  // stop now, without draining
    private volatile Throwable failure;

    SegmentPipeline(SessionTracker tracker) {
        this.tracker = tracker;
        for (int i = 0; i < CAPACITY; i++) {
            slots[i] = new TcpSegment();
        }
        consumer = new Thread(this::consume, "tcplens-sessions");
        consumer.setDaemon(true);
        consumer.start();
    }

    /** The slot to decode the next segment into; waits while the ring is full. */
    TcpSegment claim() {
        if (produced - knownTail >= CAPACITY) {
            publish();
            int idle = 0;
            while (produced - (knownTail = (long) TAIL.getAcquire(this)) >= CAPACITY) {
                rethrowFailure();
                idle = pause(idle);
            }
        }
        return slots[(int) produced & (CAPACITY - 1)];
    }

    /** The segment in the slot {@link #claim()} returned is complete: it was captured at {@code ts}. */
    void commit(long ts) {
        timestamps[(int) produced & (CAPACITY - 1)] = ts;
        produced++;
        if ((produced & (BATCH - 1)) == 0) {
            HEAD.setRelease(this, produced);
        }
    }

    private void publish() {
        HEAD.setRelease(this, produced);
    }

    /** Waits until the consumer has applied every segment, then stops it. */
    void finish() {
        publish();
        closing = true;
        join();
        rethrowFailure();
    }

    /** Stops the consumer without waiting for the rest (the run is being abandoned). */
    void abandon() {
        abandoned = true;
        closing = true;
        join();
    }

    private void join() {
        boolean interrupted = false;
        while (consumer.isAlive()) {
            try {
                consumer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void rethrowFailure() {
        Throwable t = failure;
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private void consume() {
        try {
            long t = tail;
            int idle = 0;
            while (!abandoned) {
                long h = (long) HEAD.getAcquire(this);
                if (h == t) {
                    if (closing && t == (long) HEAD.getAcquire(this)) {
                        return;
                    }
                    idle = pause(idle);
                    continue;
                }
                idle = 0;
                while (t < h) {
                    int i = (int) t & (CAPACITY - 1);
                    tracker.onSegment(slots[i], timestamps[i]);
                    t++;
                    if ((t & (BATCH - 1)) == 0) {
                        TAIL.setRelease(this, t);
                    }
                }
                TAIL.setRelease(this, t);
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    /**
     * Spin briefly (the other side is usually a few segments away), then yield (which also lets
     * the other side run when both share a core on a busy machine), then sleep: a sleeping thread
     * wakes tens of microseconds late, long enough for the other side to fill or drain the whole
     * ring and wait in turn, so sleeping starts only once a wait has lasted a few milliseconds.
     */
    private static int pause(int idle) {
        if (idle < SPINS) {
            Thread.onSpinWait();
        } else if (idle < SPINS + YIELDS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(50_000);
        }
        return idle + 1;
    }

    private static final int SPINS = 1 << 10;
    private static final int YIELDS = 1 << 12;
}
