package io.tcplens.analyzer.session;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;
import java.util.SplittableRandom;

import static io.tcplens.analyzer.session.Trace.c2s;
import static io.tcplens.analyzer.session.Trace.s2c;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 13 item 9, the analyzer's side: timestamps anywhere in the long range (a pcapng EPB holds any
 * 64-bit value) and going backwards. Differences of timestamps are the signed difference, clamped to
 * the long range ({@link Saturating}); expected values worked out by hand.
 */
class ExtremeTimestampsTest {

    private static final long C = 1000;
    private static final long S = 5000;
    private static final long MS = 1_000_000L;

    @Test
    void saturatingArithmeticAgainstBigInteger() {
        long[] edge = {0, 1, -1, 2, -2, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MAX_VALUE - 1,
            Integer.MIN_VALUE, Integer.MAX_VALUE, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2 + 1};
        SplittableRandom rnd = new SplittableRandom(13_09);
        long[] values = new long[edge.length + 64];
        System.arraycopy(edge, 0, values, 0, edge.length);
        for (int i = edge.length; i < values.length; i++) {
            values[i] = rnd.nextLong();
        }
        BigInteger min = BigInteger.valueOf(Long.MIN_VALUE);
        BigInteger max = BigInteger.valueOf(Long.MAX_VALUE);
        for (long a : values) {
            for (long b : values) {
                BigInteger x = BigInteger.valueOf(a);
                BigInteger y = BigInteger.valueOf(b);
                assertEquals(y.subtract(x).max(min).min(max).longValueExact(), Saturating.between(a, b), a + " to " + b);
                assertEquals(x.add(y).max(min).min(max).longValueExact(), Saturating.plus(a, b), a + " + " + b);
            }
        }
        assertEquals(Long.MAX_VALUE, Saturating.between(Long.MIN_VALUE, Long.MAX_VALUE), "2^64 - 1 clamps");
        assertEquals(Long.MIN_VALUE, Saturating.between(Long.MAX_VALUE, Long.MIN_VALUE), "-(2^64 - 1) clamps");
        assertEquals(Long.MIN_VALUE, Saturating.between(0, Long.MIN_VALUE), "-2^63 fits");
    }

    /**
     * Idle expiry across a jump of 2^64 − 1 ns: SYN at Long.MIN_VALUE, the next packet at
     * Long.MAX_VALUE. The session was idle far beyond the 300 s timeout, so the second packet starts a
     * new session (main: clock − lastSeen wrapped to −1, "not idle", one session lasting −1 ns).
     */
    @Test
    void aJumpOfTwoToThe64IsIdle() {
        List<SessionRecord> s = new Trace()
                .atNs(Long.MIN_VALUE, c2s().syn().seq(C))
                .atNs(Long.MAX_VALUE, c2s().seq(C + 1).ack(S + 1))
                .finish();
        assertEquals(2, s.size(), String.valueOf(s));
        assertEquals(EndReason.IDLE_TIMEOUT, s.get(0).endReason());
        assertEquals(0, s.get(0).durationNs());
        assertEquals(Long.MAX_VALUE, s.get(1).startNs());
    }

    /**
     * Zero-window episodes at negative times (before 1970, or a pcapng if_tsoffset): the window is 0
     * at −5 ms and −4 ms and opens at −3 ms: one episode of 2 ms (main: −1 marked "no episode", so
     * each zero-window packet at a negative time started another one: 2 episodes of 1 ms).
     */
    @Test
    void zeroWindowAtNegativeTimes() {
        SessionRecord r = new Trace()
                .atNs(-10 * MS, c2s().syn().seq(C))
                .atNs(-9 * MS, s2c().syn().seq(S).ack(C + 1))
                .atNs(-8 * MS, c2s().seq(C + 1).ack(S + 1))
                .atNs(-6 * MS, s2c().psh().seq(S + 1).ack(C + 1).payload(100))
                .atNs(-5 * MS, c2s().seq(C + 1).ack(S + 101).window(0))
                .atNs(-4 * MS, c2s().seq(C + 1).ack(S + 101).window(0))
                .atNs(-3 * MS, c2s().seq(C + 1).ack(S + 101).window(1000))
                .only();
        assertEquals(1, r.clientInfo().zeroWindowEpisodes());
        assertEquals(2 * MS, r.clientInfo().zeroWindowNs());
    }

    /**
     * An RTT sample is negative when the ACK is stamped before its data (the timestamps went
     * backwards): data at 10 ms, its ACK at 6 ms, RTT −4 ms; min, mean and max are all −4 ms (main: the
     * maximum started at 0, so it said 0).
     */
    @Test
    void aNegativeRttIsItsOwnMaximum() {
        SessionRecord r = new Trace()
                .atNs(0, c2s().syn().seq(C))
                .atNs(MS, s2c().syn().seq(S).ack(C + 1))
                .atNs(2 * MS, c2s().seq(C + 1).ack(S + 1))
                .atNs(10 * MS, c2s().psh().seq(C + 1).ack(S + 1).payload(10))
                .atNs(6 * MS, s2c().seq(S + 1).ack(C + 11))
                .only();
        SessionRecord.EndpointInfo client = r.clientInfo();
        assertEquals(1, client.rttSamples());
        assertEquals(-4 * MS, client.rttMinNs());
        assertEquals(-4 * MS, client.rttMeanNs());
        assertEquals(-4 * MS, client.rttMaxNs());
        assertEquals(6 * MS, r.durationNs(), "last packet (6 ms) minus first (0)");
    }

    /**
     * Two RTT samples of 8·10^18 ns each (data at −4·10^18 + 3 and + 4, their ACKs at 4·10^18 + 3 and
     * + 4; idle timeout 9.2·10^18 ns, the most the option allows, so the session survives the jump):
     * their sum, 1.6·10^19, clamps at Long.MAX_VALUE, and the mean is held within [min, max], here
     * 8·10^18 (main: the sum wrapped to 1.6·10^19 − 2^64 and the mean said −1223372036854775808).
     */
    @Test
    void theMeanOfHugeRttsStaysBetweenMinAndMax() {
        long idle = 9_200_000_000_000_000_000L;
        long t = -4_000_000_000_000_000_000L;
        long rtt = 8_000_000_000_000_000_000L;
        SessionRecord r = new Trace(idle, idle)
                .atNs(t, c2s().syn().seq(C))
                .atNs(t + 1, s2c().syn().seq(S).ack(C + 1))
                .atNs(t + 2, c2s().seq(C + 1).ack(S + 1))
                .atNs(t + 3, c2s().psh().seq(C + 1).ack(S + 1).payload(10))
                .atNs(t + 3 + rtt, s2c().seq(S + 1).ack(C + 11))
                .atNs(t + 4, c2s().psh().seq(C + 11).ack(S + 1).payload(10))
                .atNs(t + 4 + rtt, s2c().seq(S + 1).ack(C + 21))
                .only();
        SessionRecord.EndpointInfo client = r.clientInfo();
        assertEquals(2, client.rttSamples());
        assertEquals(rtt, client.rttMinNs());
        assertEquals(rtt, client.rttMaxNs());
        assertEquals(rtt, client.rttMeanNs());
        assertEquals(rtt + 4, r.durationNs());
    }
}
