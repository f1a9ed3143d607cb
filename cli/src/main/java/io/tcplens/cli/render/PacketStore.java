package io.tcplens.cli.render;

import io.tcplens.analyzer.decode.TcpSegment;
import io.tcplens.analyzer.session.PacketListener;
import io.tcplens.analyzer.session.Phase;
import io.tcplens.analyzer.session.TcpSession;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Per-packet facts that a session record does not carry, kept per session until the record is
 * rendered ({@link #take}): IP-layer bytes each way (Zeek's {@code orig_ip_bytes}) and, when asked,
 * the packets themselves for ladder diagrams, in primitive arrays, at most {@code maxPackets} per
 * session. Memory follows the sessions not yet rendered, like the session table.
 *
 * <p>The packets kept, all sessions together, stay within a budget in bytes ({@link #defaultBudget()}:
 * an eighth of the Java heap): 20,000 busy sessions of 500 packets would need ~400 MB. A session
 * whose packets no longer fit keeps the ones it has and stops there (a ladder with a gap would be
 * wrong); the packets it would have kept are counted ({@link Packets#notKept()}, {@link #notKept()})
 * so the report can say so. Taking a session frees its share for the sessions that follow.
 */
public final class PacketStore implements PacketListener {

    /**
     * One session's packets, interleaved in one array, {@link #STRIDE} longs a packet (so storing
     * one touches one or two cache lines, not one per field): time, relative sequence number,
     * relative acknowledgment number (-1 without ACK), payload length, and
     * flags (9 bits) | fromA << 9 | phase << 10 | sender state << 12 | receiver state << 17 |
     * window << 22 (16 bits) | anomalies << 38 (bits of {@code Anomaly}).
     */
    public static final class Packets {
        static final int STRIDE = 5;

        /** IP-layer bytes sent by the first packet's sender (a) and by the other endpoint (b) */
        long ipBytesA;
        long ipBytesB;
        /** the client is the sender of the session's first packet (as known at its last packet) */
        boolean aIsClient = true;
        /** packets seen, stored or not */
        long seen;
        int count;
        long[] packets;
        /** packets the ladder would have kept (up to maxPackets) but did not: over the store's budget */
        long notKept;

        public long ipBytesClient() {
            return aIsClient ? ipBytesA : ipBytesB;
        }

        public long ipBytesServer() {
            return aIsClient ? ipBytesB : ipBytesA;
        }

        public long seen() {
            return seen;
        }

        public int count() {
            return count;
        }

        /** packets not kept over the store's memory budget (0: the first min(seen, maxPackets) are all here) */
        public long notKept() {
            return notKept;
        }

        /** bytes of its packet array */
        long bytes() {
            return packets == null ? 0 : 16 + 8L * packets.length;
        }

        /** the packet array's length after its next growth, at most {@code maxPackets} packets */
        int grownLength(int maxPackets) {
            return packets == null ? Math.min(16, maxPackets) * STRIDE
                    : (int) Math.min(2L * packets.length, (long) maxPackets * STRIDE);
        }

        boolean full() {
            return packets == null || count * STRIDE == packets.length;
        }

        void grow(int length) {
            packets = packets == null ? new long[length] : Arrays.copyOf(packets, length);
        }

        public long tsNs(int i) {
            return packets[i * STRIDE];
        }

        public long relSeq(int i) {
            return packets[i * STRIDE + 1];
        }

        public long relAck(int i) {
            return packets[i * STRIDE + 2];
        }

        public int length(int i) {
            return (int) packets[i * STRIDE + 3];
        }

        private long bits(int i) {
            return packets[i * STRIDE + 4];
        }

        public boolean fromClient(int i) {
            return ((bits(i) >>> 9 & 1) == 1) == aIsClient;
        }

        public int flags(int i) {
            return (int) (bits(i) & 0x1FF);
        }

        public int phase(int i) {
            return (int) (bits(i) >>> 10 & 3);
        }

        public int senderState(int i) {
            return (int) (bits(i) >>> 12 & 31);
        }

        public int receiverState(int i) {
            return (int) (bits(i) >>> 17 & 31);
        }

        public int window(int i) {
            return (int) (bits(i) >>> 22 & 0xFFFF);
        }

        public int anomalies(int i) {
            return (int) (bits(i) >>> 38);
        }

        void add(long ts, boolean fromA, int flags, long seq, long ack, int len, int win, int phase,
                         int senderState, int receiverState, int anomaly) {
            int at = count * STRIDE;
            if (full()) {
                grow(grownLength(Integer.MAX_VALUE / STRIDE));
            }
            long[] p = packets;
            p[at] = ts;
            p[at + 1] = seq;
            p[at + 2] = ack;
            p[at + 3] = len;
            p[at + 4] = (flags & 0x1FF) | (fromA ? 1 << 9 : 0) | phase << 10 | senderState << 12 | receiverState << 17
                    | (long) (win & 0xFFFF) << 22 | (anomaly & 0x3FFFFFFL) << 38;
            count++;
        }
    }

    /**
     * Bytes of packets kept for ladders, all sessions together, unless {@code -Dtcplens.ladder.budget=N}
     * says otherwise: an eighth of the maximum heap (32 MiB with {@code -Xmx256m}, ~800,000 packets;
     * 20,000 sessions of 500 would take 400 MB).
     */
    public static long defaultBudget() {
        return Long.getLong("tcplens.ladder.budget", Runtime.getRuntime().maxMemory() / 8);
    }

    private static final Packets EMPTY = new Packets();

    private final ById sessions = new ById();
    private final int maxPackets;
    private final Long onlySession;
    private final long budget;
    /** bytes of the packet arrays of the sessions not yet taken */
    private long heldBytes;
    private long notKept;
    private long sessionsNotKept;

    /**
     * No budget beyond {@code maxPackets} per session (one session: {@code show}).
     *
     * @param maxPackets  packets kept per session for ladders (0: none, only the IP byte counts)
     * @param onlySession keep only this session (null: all)
     */
    public PacketStore(int maxPackets, Long onlySession) {
        this(maxPackets, onlySession, Long.MAX_VALUE);
    }

    /** @param budget bytes of packets kept, all sessions together (e.g. {@link #defaultBudget()}) */
    public PacketStore(int maxPackets, Long onlySession, long budget) {
        this.maxPackets = maxPackets;
        this.onlySession = onlySession;
        this.budget = budget;
    }

    public int maxPackets() {
        return maxPackets;
    }

    public long budget() {
        return budget;
    }

    /** bytes of packets held for sessions not yet taken (never above the budget) */
    public long heldBytes() {
        return heldBytes;
    }

    /** packets not kept for ladders because of the budget, all sessions together */
    public long notKept() {
        return notKept;
    }

    /** sessions that lost packets of their ladder to the budget */
    public long sessionsNotKept() {
        return sessionsNotKept;
    }

    @Override
    public void onPacket(TcpSession s, boolean fromA, TcpSegment seg, long tsNs, Phase phase) {
        if (onlySession != null && s.id() != onlySession) {
            return;
        }
        Packets p = sessions.get(s.id());
        int ipLength = seg.tcpOffset() - seg.ipOffset() + seg.tcpHeaderLength() + seg.payloadLength();
        if (fromA) {
            p.ipBytesA += ipLength;
        } else {
            p.ipBytesB += ipLength;
        }
        p.aIsClient = s.client() == null || s.client() == s.a();
        p.seen++;
        if (p.count + p.notKept >= maxPackets) {
            return;   // the ladder has all it shows
        }
        if (p.notKept == 0 && p.full() && !grow(p)) {
            sessionsNotKept++;
        }
        if (p.notKept > 0 || p.full()) {
            p.notKept++;   // once a packet is missing the session keeps no more: its ladder stays a prefix
            notKept++;
            return;
        }
        p.add(tsNs, fromA, seg.flags(), s.relativeSeq(fromA, seg.seq()),
                seg.ackFlag() ? s.relativeAck(fromA, seg.ack()) : -1, seg.payloadLength(), seg.window(),
                phase.ordinal(), (fromA ? s.a() : s.b()).state().ordinal(),
                (fromA ? s.b() : s.a()).state().ordinal(), s.lastAnomalies());
    }

    /** grows the session's packet array if that keeps the store within its budget */
    private boolean grow(Packets p) {
        int length = p.grownLength(maxPackets);
        long more = 16 + 8L * length - p.bytes();
        if (heldBytes + more > budget) {
            return false;
        }
        heldBytes += more;
        p.grow(length);
        return true;
    }

    /** Removes and returns what was kept for session {@code id} (empty when nothing was). */
    public Packets take(long id) {
        Packets p = sessions.remove(id);
        if (p == null) {
            return EMPTY;
        }
        heldBytes -= p.bytes();
        return p;
    }

    /**
     * Session id to its packets: open addressing on primitive keys (a packet's lookup boxes no
     * id), linear probing, deletion by shifting the probe run back (no tombstones).
     *
     * <p>Keyed: ids are handed out in order, but which of them stay open is up to the traffic, so
     * with a fixed hash (a Fibonacci hash, until issue 13) a capture can keep open exactly the ids
     * that anyone can compute to share one probe run, and make each lookup walk all of them. The slot is a mix of the id and a per-table {@link SecureRandom} seed, as Zeek
     * keys its hash tables so that an attacker cannot guess collisions (zeek {@code src/Hash.h}):
     * expected O(1) probes whatever ids are open ({@code PacketStoreTest} counts them).
     */
    static final class ById {
        private static final SecureRandom SEEDS = new SecureRandom();

        private final long seed = SEEDS.nextLong();
        private long[] keys = new long[1024];
        private Packets[] values = new Packets[1024];
        private int size;
        /** slots looked at by get and remove, for tests */
        private long probes;

        /** the packets of {@code id}, made when first asked for */
        Packets get(long id) {
            int mask = keys.length - 1;
            for (int i = slot(id, mask); ; i = (i + 1) & mask) {
                probes++;
                Packets v = values[i];
                if (v == null) {
                    v = new Packets();
                    keys[i] = id;
                    values[i] = v;
                    if (++size > keys.length / 2) {
                        grow();
                    }
                    return v;
                }
                if (keys[i] == id) {
                    return v;
                }
            }
        }

        int size() {
            return size;
        }

        long probes() {
            return probes;
        }

        Packets remove(long id) {
            int mask = keys.length - 1;
            int i = slot(id, mask);
            probes++;
            while (values[i] != null && keys[i] != id) {
                i = (i + 1) & mask;
                probes++;
            }
            Packets removed = values[i];
            if (removed == null) {
                return null;
            }
            values[i] = null;
            size--;
            // later entries of the run that could sit at i move back (Knuth 6.4, algorithm R)
            for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
                probes++;
                int home = slot(keys[j], mask);
                if (((j - home) & mask) >= ((j - i) & mask)) {
                    keys[i] = keys[j];
                    values[i] = values[j];
                    values[j] = null;
                    i = j;
                }
            }
            return removed;
        }

        /** MurmurHash3's 64-bit finalizer (fmix64) of the id xor the seed: every bit of both moves every slot bit */
        private int slot(long id, int mask) {
            long h = id ^ seed;
            h = (h ^ h >>> 33) * 0xFF51AFD7ED558CCDL;
            h = (h ^ h >>> 33) * 0xC4CEB9FE1A85EC53L;
            return (int) (h ^ h >>> 33) & mask;
        }

        private void grow() {
            long[] k = keys;
            Packets[] v = values;
            keys = new long[k.length * 2];
            values = new Packets[k.length * 2];
            int mask = keys.length - 1;
            for (int j = 0; j < k.length; j++) {
                if (v[j] != null) {
                    int i = slot(k[j], mask);
                    while (values[i] != null) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = k[j];
                    values[i] = v[j];
                }
            }
        }
    }
}
