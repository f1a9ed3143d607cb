package io.tcplens.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tcplens.analyzer.session.PacketListener;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.analyzer.testing.Frames;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The second thread ({@link Analyzer#useSecondThread()}) applies the same segments in the same
 * order as one thread, records come out the same and in the same order, and whatever the listeners
 * (which run on the session thread) throw reaches the reading thread. The timeouts only bound
 * a hang; nothing here measures speed.
 */
class SegmentPipelineTest {

    /** 3,000 short connections (SYN, SYN-ACK, ACK, FIN, ACK, FIN, ACK): 21,000 frames, many ring fills */
    static List<byte[]> frames() {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            int port = 10_000 + i;
            String c = "192.0.2." + (1 + i % 200);
            out.add(Frames.tcp(c, port, "198.51.100.1", 80).syn().seq(1000).build());
            out.add(Frames.tcp("198.51.100.1", 80, c, port).syn().seq(5000).ack(1001).build());
            out.add(Frames.tcp(c, port, "198.51.100.1", 80).seq(1001).ack(5001).build());
            out.add(Frames.tcp(c, port, "198.51.100.1", 80).fin().seq(1001).ack(5001).build());
            out.add(Frames.tcp("198.51.100.1", 80, c, port).seq(5001).ack(1002).build());
            out.add(Frames.tcp("198.51.100.1", 80, c, port).fin().seq(5001).ack(1002).build());
            out.add(Frames.tcp(c, port, "198.51.100.1", 80).seq(1002).ack(5002).build());
        }
        return out;
    }

    static List<SessionRecord> run(List<byte[]> frames, boolean secondThread) {
        return run(frames, secondThread, null);
    }

    /** the records of {@code frames}, with an optional per-packet listener */
    static List<SessionRecord> run(List<byte[]> frames, boolean secondThread, PacketListener packets) {
        List<SessionRecord> out = new ArrayList<>();
        try (Analyzer a = new Analyzer(1_000_000_000L, 1_000_000L, out::add)) {
            if (packets != null) {
                a.setPacketListener(packets);
            }
            if (secondThread) {
                a.useSecondThread();
            }
            long t = 1_000_000_000L;
            for (byte[] f : frames) {
                a.onFrame(t, 1, 0, f, 0, f.length, f.length);
                t += 100_000;
            }
            a.finish();
        }
        return out;
    }

    @Test
    void sameRecordsInTheSameOrderAsOneThread() {
        List<byte[]> frames = frames();
        List<SessionRecord> one = run(frames, false);
        List<SessionRecord> two = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run(frames, true));
        assertEquals(3000, one.size());
        assertEquals(one, two);   // records are value objects: every field, and the order they ended in
    }

    /**
     * Both ways of waiting: a session thread held up now and then (the reader fills the ring and
     * parks until half of it is free) and a reader held up now and then (the session thread drains
     * the ring and parks until a quarter of it is filled, or the input ends).
     */
    @Test
    void sameRecordsWhenEachSideWaitsForTheOther() {
        List<byte[]> frames = frames();
        List<SessionRecord> one = run(frames, false);
        List<SessionRecord> two = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            List<SessionRecord> out = new ArrayList<>();
            try (Analyzer a = new Analyzer(1_000_000_000L, 1_000_000L, r -> {
                out.add(r);
                if (out.size() % 500 == 0) {
                    pause();   // a slow report writer
                }
            })) {
                a.useSecondThread();
                long t = 1_000_000_000L;
                int n = 0;
                for (byte[] f : frames) {
                    a.onFrame(t, 1, 0, f, 0, f.length, f.length);
                    t += 100_000;
                    if (++n % 3_000 == 0) {
                        pause();   // a slow input
                    }
                }
                a.finish();
            }
            return out;
        });
        assertEquals(one, two);
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void whatTheListenerThrowsReachesTheReader() {
        RuntimeException boom = new IllegalStateException("the report cannot be written");
        assertSame(boom, failure(boom, false));
    }

    @Test
    void whatThePacketListenerThrowsReachesTheReader() {
        RuntimeException boom = new IllegalStateException("out of room for packets");
        assertSame(boom, failure(boom, true));   // from the per-packet listener
    }

    /** runs with a listener (or packet listener) that throws {@code boom} at the 10th call; returns what the reader caught */
    private static RuntimeException failure(RuntimeException boom, boolean inPacketListener) {
        List<byte[]> frames = frames();
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            int[] seen = {0};
            Analyzer a = new Analyzer(1_000_000_000L, 1_000_000L, r -> {
                if (!inPacketListener && ++seen[0] == 10) {
                    throw boom;
                }
            });
            if (inPacketListener) {
                a.setPacketListener((session, fromA, segment, ts, phase) -> {
                    if (++seen[0] == 10) {
                        throw boom;
                    }
                });
            }
            a.useSecondThread();
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> {
                long t = 1_000_000_000L;
                for (byte[] f : frames) {
                    a.onFrame(t, 1, 0, f, 0, f.length, f.length);
                    t += 100_000;
                }
                a.finish();
            });
            a.close();
            assertFalse(threadAlive(), "the session thread has stopped");
            return thrown;
        });
    }

    @Test
    void sameRecordsWithAPacketListener() {
        List<byte[]> frames = frames();
        long[] packets = {0};
        List<SessionRecord> two = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> run(frames, true, (session, fromA, segment, ts, phase) -> packets[0]++));
        assertEquals(run(frames, false), two);
        assertEquals(frames.size(), packets[0]);
    }

    @Test
    void closeStopsTheSessionThreadOfAnAbandonedRun() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Analyzer a = new Analyzer(r -> { });
            a.useSecondThread();
            byte[] f = frames().get(0);
            a.onFrame(1_000, 1, 0, f, 0, f.length, f.length);
            a.close();   // no finish(): an input error, say
            assertFalse(threadAlive(), "the session thread has stopped");
        });
    }

    private static boolean threadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("tcplens-sessions") && t.isAlive());
    }
}
