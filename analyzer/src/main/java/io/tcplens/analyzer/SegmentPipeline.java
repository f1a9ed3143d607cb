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
 * parks until the other side has made room (half the ring free) or work (a quarter of it filled):
 * on two cores a waiting thread must not burn the CPU that the other one, the JIT compiler and the
 * collector need. The waiter raises its flag and re-reads the index; the other side stores its
 * index and then reads the flag (both volatile, so one of them sees the other: no lost wakeup).
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

    /** set by a side about to park; cleared by the side that wakes it */
    private volatile boolean producerParked;
    private volatile boolean consumerParked;
    private final Thread producer;

    private volatile boolean closing;    // no more segments: drain and stop
    private volatile boolean abandoned;  // stop now, without draining
    private volatile Throwable failure;

    SegmentPipeline(SessionTracker tracker) {
        this.tracker = tracker;
        for (int i = 0; i < CAPACITY; i++) {
            slots[i] = new TcpSegment();
        }
        producer = Thread.currentThread();
        consumer = new Thread(this::consume, "tcplens-sessions");
        consumer.setDaemon(true);
        consumer.start();
    }

    /** The slot to decode the next segment into; waits while the ring is full. */
    TcpSegment claim() {
        if (produced - knownTail >= CAPACITY) {
            publish();
            int spins = 0;
            while (produced - (knownTail = (long) TAIL.getAcquire(this)) >= CAPACITY) {
                rethrowFailure();
                if (spins++ < SPINS) {
                    Thread.onSpinWait();
                } else {
                    producerParked = true;
                    if (produced - (long) TAIL.getVolatile(this) >= CAPACITY && failure == null) {
                        LockSupport.parkNanos(this, PARK_NS);
                    }
                    producerParked = false;
                }
            }
        }
        return slots[(int) produced & (CAPACITY - 1)];
    }

    /** The segment in the slot {@link #claim()} returned is complete: it was captured at {@code ts}. */
    void commit(long ts) {
        timestamps[(int) produced & (CAPACITY - 1)] = ts;
        produced++;
        if ((produced & (BATCH - 1)) == 0) {
            publish();
        }
    }

    /** publishes the filled slots; wakes the consumer if it waits and a quarter of the ring is full */
    private void publish() {
        HEAD.setVolatile(this, produced);
        if (consumerParked && produced - (long) TAIL.getAcquire(this) >= CAPACITY / 4) {
            consumerParked = false;
            LockSupport.unpark(consumer);
        }
    }

    /** Waits until the consumer has applied every segment, then stops it. */
    void finish() {
        HEAD.setVolatile(this, produced);
        closing = true;   // after the last segment is published: a consumer that sees it has seen them all
        LockSupport.unpark(consumer);
        join();
        rethrowFailure();
    }

    /** Stops the consumer without waiting for the rest (the run is being abandoned). */
    void abandon() {
        abandoned = true;
        closing = true;
        LockSupport.unpark(consumer);
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
            int spins = 0;
            while (!abandoned) {
                long h = (long) HEAD.getAcquire(this);
                if (h == t) {
                    if (closing && t == (long) HEAD.getVolatile(this)) {
                        return;
                    }
                    if (spins++ < SPINS) {
                        Thread.onSpinWait();
                    } else {
                        consumerParked = true;
                        if (t == (long) HEAD.getVolatile(this) && !closing && !abandoned) {
                            LockSupport.parkNanos(this, PARK_NS);
                        }
                        consumerParked = false;
                    }
                    continue;
                }
                spins = 0;
                while (t < h) {
                    int i = (int) t & (CAPACITY - 1);
                    tracker.onSegment(slots[i], timestamps[i]);
                    t++;
                    if ((t & (BATCH - 1)) == 0) {
                        handBack(t, h);
                    }
                }
                handBack(t, h);
            }
        } catch (Throwable e) {
            failure = e;
            LockSupport.unpark(producer);
        }
    }

    /** hands slots [.., t) back; wakes the producer if it waits and half the ring is free */
    private void handBack(long t, long h) {
        TAIL.setVolatile(this, t);
        if (producerParked && h - t <= CAPACITY / 2) {
            producerParked = false;
            LockSupport.unpark(producer);
        }
    }

    /**
     * How long a side spins before it parks: the other side is often a few segments away. A parked
     * thread wakes tens of microseconds after its unpark, so a side is woken only when there is
     * room or work for a while (see {@link #publish} and {@link #handBack}); a park also times out
     * after {@link #PARK_NS}, a bound on any wait, never the usual way to wake.
     */
    private static final int SPINS = 1 << 8;
    private static final long PARK_NS = 1_000_000;
}
