package io.tcplens.analyzer.session;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.decode.DecodeResult;
import io.tcplens.analyzer.decode.PacketDecoder;
import io.tcplens.analyzer.decode.TcpSegment;
import io.tcplens.analyzer.table.SipHash;
import io.tcplens.analyzer.testing.Frames;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hash flooding (issue 13, item 4): sets of 4-tuples built to collide cost the session table the
 * same probes per operation as random 4-tuples. Work is counted in probes (slots examined), never
 * timed. Each set goes through a real {@link SessionTracker} as SYN frames built with
 * {@link Frames} and decoded: every 4-tuple is looked up and inserted (first SYN), looked up again
 * (the same SYN repeated) and removed (the idle timeout ends every session): 4 table operations a
 * tuple. A run that goes over {@link #CAP} probes per operation stops at once, so the old hash
 * fails here by count instead of running for hours.
 */
class SessionTableFloodTest {

    /** probes per operation beyond which a run is abandoned as flooded */
    private static final long CAP = 64;
    private static final long IDLE_NS = 1_000_000_000L;

    private static final int V6_N = 100_000;
    /** IPv4 sets found by search: n tuples colliding on the low 14 bits (the mask of 16,384 slots) */
    private static final int V4_N = 8_192;
    private static final int V4_BITS = 14;

    // ---- the adversary's model of the table's old, unkeyed hash (copied from it as it was)

    static int oldHash(int version, long sHi, long sLo, int sPort, long dHi, long dLo, int dPort) {
        long h1 = oldMix(sHi * 31 + sLo, sPort);
        long h2 = oldMix(dHi * 31 + dLo, dPort);
        long h = (h1 + h2) * 0x9E3779B97F4A7C15L ^ (h1 ^ h2) ^ version;
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        return (int) (h ^ (h >>> 32));
    }

    private static long oldMix(long addr, int port) {
        long h = (addr ^ (addr >>> 29) ^ ((long) port << 40) ^ port) * 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 31);
    }

    /** A set of 4-tuples: the clients vary, every one talks to the same server. */
    private record Tuples(int version, long[] hi, long[] lo, int[] port, long serverHi, long serverLo, int serverPort) {
        int size() {
            return lo.length;
        }
    }

    private static final long V6_SERVER_HI = 0x20010db800000000L;
    private static final long V6_SERVER_LO = 0x80L;
    private static final long V4_SERVER = 0xC0000250L;   // 192.0.2.80

    /** (a) IPv6: the old hash mixed an address as hi*31+lo, so (hi+k, lo-31k) all hash alike */
    private static Tuples oldHashIpv6() {
        long[] hi = new long[V6_N], lo = new long[V6_N];
        int[] port = new int[V6_N];
        long baseHi = 0x20010db800010000L, baseLo = 0x0000000100000000L;
        for (int k = 0; k < V6_N; k++) {
            hi[k] = baseHi + k;
            lo[k] = baseLo - 31L * k;
            port[k] = 40000;
        }
        Tuples t = new Tuples(6, hi, lo, port, V6_SERVER_HI, V6_SERVER_LO, 443);
        int h0 = oldHash(6, hi[0], lo[0], 40000, V6_SERVER_HI, V6_SERVER_LO, 443);
        assertEquals(h0, oldHash(6, hi[V6_N - 1], lo[V6_N - 1], 40000, V6_SERVER_HI, V6_SERVER_LO, 443));
        return t;
    }

    /** (a) IPv4: clients (10.x.y.z, port) searched for the same low bits of the old hash */
    private static Tuples oldHashIpv4() {
        int mask = (1 << V4_BITS) - 1;
        return searchIpv4((a, p) -> oldHash(4, 0, a, p, 0, V4_SERVER, 80) & mask);
    }

    /** (b) IPv4: the same search against the new function under a key the attacker guessed */
    static final SipHash GUESSED = new SipHash(0x0123456789abcdefL, 0x0fedcba987654321L);

    private static Tuples guessedKeyIpv4() {
        return GuessedKeySet.TUPLES;
    }

    /**
     * searched once (about 6 * 10^7 hashes), for both tests that use it: the low 13 bits alike,
     * so in the final 16,384 slots the set would fill two clusters of 4,096 under the right key
     */
    private static final class GuessedKeySet {
        static final Tuples TUPLES;

        static {
            SessionTable model = new SessionTable(GUESSED);
            int mask = (1 << (V4_BITS - 1)) - 1;
            TUPLES = searchIpv4((a, p) -> model.hash(4, 0, a, p, 0, V4_SERVER, 80) & mask);
        }
    }

    interface Hash4 {
        int of(long addr, int port);
    }

    /** V4_N clients whose hash has the low bits of the first one's (about V4_N * 2^V4_BITS tries) */
    private static Tuples searchIpv4(Hash4 h) {
        long[] lo = new long[V4_N];
        int[] port = new int[V4_N];
        int found = 0;
        int target = h.of(0x0A000001L, 1024);
        for (long addr = 0x0A000001L; found < V4_N; addr++) {
            for (int p = 1024; p < 65536 && found < V4_N; p++) {
                if (h.of(addr, p) == target) {
                    lo[found] = addr;
                    port[found++] = p;
                }
            }
        }
        return new Tuples(4, new long[V4_N], lo, port, 0, V4_SERVER, 80);
    }

    /** (b) IPv6: "LAND" tuples, each client talking to itself, which a commutative combination of two endpoint hashes sends to one value */
    private static Tuples selfTalkingIpv6() {
        int n = 20_000;
        long[] hi = new long[n], lo = new long[n];
        int[] port = new int[n];
        for (int k = 0; k < n; k++) {
            hi[k] = 0x20010db800020000L;
            lo[k] = k + 1;
            port[k] = 5000;
        }
        return new Tuples(6, hi, lo, port, Long.MIN_VALUE, 0, 0);   // server = the client itself
    }

    /** (c) random 4-tuples */
    private static Tuples random(int version, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] hi = new long[n], lo = new long[n];
        int[] port = new int[n];
        for (int k = 0; k < n; k++) {
            hi[k] = version == 6 ? r.nextLong() : 0;
            lo[k] = version == 6 ? r.nextLong() : r.nextLong(1L << 32);
            port[k] = 1 + r.nextInt(65535);
        }
        return version == 6 ? new Tuples(6, hi, lo, port, V6_SERVER_HI, V6_SERVER_LO, 443)
                : new Tuples(4, hi, lo, port, 0, V4_SERVER, 80);
    }

    // ---- frames

    private static String v4(long a) {
        return (a >>> 24 & 255) + "." + (a >>> 16 & 255) + "." + (a >>> 8 & 255) + "." + (a & 255);
    }

    private static String v6(long hi, long lo) {
        StringBuilder sb = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            long w = g < 4 ? hi : lo;
            sb.append(g == 0 ? "" : ":").append(Long.toHexString(w >>> (48 - 16 * (g % 4)) & 0xFFFF));
        }
        return sb.toString();
    }

    /** the client's SYN of tuple k */
    private static byte[] syn(Tuples t, int k) {
        boolean self = t.serverHi() == Long.MIN_VALUE;
        String client = t.version() == 4 ? v4(t.lo()[k]) : v6(t.hi()[k], t.lo()[k]);
        String server = self ? client : t.version() == 4 ? v4(t.serverLo()) : v6(t.serverHi(), t.serverLo());
        int serverPort = self ? t.port()[k] : t.serverPort();
        return Frames.tcp(client, t.port()[k], server, serverPort).syn().seq(1000).build();
    }

    /**
     * Mean probes per table operation over the set, or fails once the run goes over {@link #CAP}
     * per operation (checked after every packet, with a start-up allowance of 4,096 probes).
     */
    private static double probesPerOperation(Tuples t, SessionTable table) {
        long[] emitted = {0};
        SessionTracker tracker = new SessionTracker(IDLE_NS, 0, r -> emitted[0]++, table);
        PacketDecoder decoder = new PacketDecoder();
        TcpSegment seg = new TcpSegment();
        int n = t.size();
        byte[][] frames = new byte[n][];
        for (int k = 0; k < n; k++) {
            frames[k] = syn(t, k);
        }
        long ops = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < n; k++) {
                byte[] f = frames[k];
                assertEquals(DecodeResult.TCP, decoder.decode(PacketDecoder.LINKTYPE_ETHERNET, f, 0, f.length, f.length, seg));
                tracker.onSegment(seg, pass);
                ops += pass == 0 ? 2 : 1;   // a miss and an insert, then a hit
                if (tracker.probes() > CAP * ops + 4096) {
                    fail("flooded: " + tracker.probes() + " probes after " + ops + " operations (pass " + pass
                            + ", tuple " + k + " of " + n + ")");
                }
            }
        }
        assertEquals(n, tracker.openSessions());
        tracker.advanceClock(IDLE_NS + 2);   // every session idles out: n removals
        ops += n;
        assertEquals(n, emitted[0]);
        assertEquals(0, tracker.openSessions());
        assertTrue(tracker.probes() <= CAP * ops, () -> "flooded in removal: " + tracker.probes() + " probes, " + n + " removals");
        return (double) tracker.probes() / ops;
    }

    @Test
    void craftedTuplesCostWhatRandomOnesCost() {
        double random6 = probesPerOperation(random(6, V6_N, 1), new SessionTable());
        double random4 = probesPerOperation(random(4, V4_N, 2), new SessionTable());
        // linear probing at load <= 1/2: about 1.5 probes a hit, 2.5 a miss (Knuth 6.4), plus rehashing
        assertTrue(random6 < 4, "random IPv6: " + random6);
        assertTrue(random4 < 4, "random IPv4: " + random4);

        double old6 = probesPerOperation(oldHashIpv6(), new SessionTable());
        double old4 = probesPerOperation(oldHashIpv4(), new SessionTable());
        double guessed4 = probesPerOperation(guessedKeyIpv4(), new SessionTable());
        double self6 = probesPerOperation(selfTalkingIpv6(), new SessionTable());
        System.out.println("probes per operation: " + String.format("random v6 %.2f v4 %.2f; old-hash v6 %.2f v4 %.2f; guessed key v4 %.2f; self v6 %.2f",
                random6, random4, old6, old4, guessed4, self6));
        String all = String.format("random v6 %.2f v4 %.2f; old-hash v6 %.2f v4 %.2f; guessed key v4 %.2f; self v6 %.2f",
                random6, random4, old6, old4, guessed4, self6);
        assertTrue(old6 < 1.5 * random6, all);
        assertTrue(old4 < 1.5 * random4, all);
        assertTrue(guessed4 < 1.5 * random4, all);
        assertTrue(self6 < 1.5 * random6, all);
    }

    /** the guessed-key set is a real attack: against a table whose key it guessed right, it floods */
    @Test
    void theGuessedKeySetFloodsATableWithThatKey() {
        Tuples t = guessedKeyIpv4();
        AssertionError e = assertThrows(AssertionError.class, () -> probesPerOperation(t, new SessionTable(GUESSED)));
        assertTrue(e.getMessage().startsWith("flooded"), e.getMessage());
    }

    /**
     * End to end: 20,000 crafted SYNs (the 11-minute capture) through {@link Analyzer},
     * decoded from Ethernet frames, sessions emitted at the end of the input.
     */
    @Test
    void aCaptureOfCraftedSynsIsAnalysedInAFewProbesAPacket() {
        Tuples t = oldHashIpv6();
        int n = 20_000;
        long[] emitted = {0};
        Analyzer analyzer = new Analyzer(r -> emitted[0]++);
        for (int k = 0; k < n; k++) {
            byte[] f = syn(t, k);
            analyzer.onFrame(1_000L * k, PacketDecoder.LINKTYPE_ETHERNET, 0, f, 0, f.length, f.length);
            if (analyzer.sessions().probes() > CAP * (k + 1) + 4096) {
                fail("flooded: " + analyzer.sessions().probes() + " probes after " + (k + 1) + " SYNs");
            }
        }
        analyzer.finish();
        assertEquals(n, emitted[0]);
        assertEquals(n, analyzer.stats().tcpSegments());
        long probes = analyzer.sessions().probes();
        System.out.println("end to end: " + probes + " probes for " + n + " SYNs");
        assertTrue(probes < 10L * n, "probes " + probes + " for " + n + " SYNs (a lookup, an insert, a removal each)");
    }
}
