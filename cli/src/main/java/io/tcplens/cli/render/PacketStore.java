package io.tcplens.cli.render;

import io.tcplens.analyzer.decode.TcpSegment;
import io.tcplens.analyzer.session.PacketListener;
import io.tcplens.analyzer.session.Phase;
import io.tcplens.analyzer.session.TcpSession;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-packet facts that a session record does not carry, kept per session until the record is
 * rendered ({@link #take}): IP-layer bytes each way (Zeek's {@code orig_ip_bytes}) and, when asked,
 * the packets themselves for ladder diagrams, in primitive arrays, at most {@code maxPackets} per
 * session. Memory follows the sessions not yet rendered, like the session table.
 */
public final class PacketStore implements PacketListener {

    /** one session's packets; index i of every array is packet i */
    public static final class Packets {
        /** IP-layer bytes sent by the first packet's sender (a) and by the other endpoint (b) */
        long ipBytesA;
        long ipBytesB;
        /** the client is the sender of the session's first packet (as known at its last packet) */
        boolean aIsClient = true;
        /** packets seen, stored or not */
        long seen;
        int count;
        long[] tsNs;
        long[] relSeq;
        long[] relAck;      // -1 without ACK
        int[] bits;         // flags (9 bits) | fromA << 9 | phase << 10 | sender state << 12 | receiver state << 17
        int[] length;
        int[] window;
        int[] anomalies;

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

        public long tsNs(int i) {
            return tsNs[i];
        }

        public boolean fromClient(int i) {
            return ((bits[i] >>> 9 & 1) == 1) == aIsClient;
        }

        public int flags(int i) {
            return bits[i] & 0x1FF;
        }

        public int phase(int i) {
            return bits[i] >>> 10 & 3;
        }

        public int senderState(int i) {
            return bits[i] >>> 12 & 31;
        }

        public int receiverState(int i) {
            return bits[i] >>> 17 & 31;
        }

        public long relSeq(int i) {
            return relSeq[i];
        }

        public long relAck(int i) {
            return relAck[i];
        }

        public int length(int i) {
            return length[i];
        }

        public int window(int i) {
            return window[i];
        }

        public int anomalies(int i) {
            return anomalies[i];
        }

        private void add(long ts, boolean fromA, int flags, long seq, long ack, int len, int win, int phase,
                         int senderState, int receiverState, int anomaly) {
            if (tsNs == null || count == tsNs.length) {
                int n = tsNs == null ? 8 : tsNs.length * 2;
                tsNs = tsNs == null ? new long[n] : Arrays.copyOf(tsNs, n);
                relSeq = relSeq == null ? new long[n] : Arrays.copyOf(relSeq, n);
                relAck = relAck == null ? new long[n] : Arrays.copyOf(relAck, n);
                bits = bits == null ? new int[n] : Arrays.copyOf(bits, n);
                length = length == null ? new int[n] : Arrays.copyOf(length, n);
                window = window == null ? new int[n] : Arrays.copyOf(window, n);
                anomalies = anomalies == null ? new int[n] : Arrays.copyOf(anomalies, n);
            }
            tsNs[count] = ts;
            relSeq[count] = seq;
            relAck[count] = ack;
            bits[count] = (flags & 0x1FF) | (fromA ? 1 << 9 : 0) | phase << 10 | senderState << 12 | receiverState << 17;
            length[count] = len;
            window[count] = win;
            anomalies[count] = anomaly;
            count++;
        }
    }

    private static final Packets EMPTY = new Packets();

    private final Map<Long, Packets> sessions = new HashMap<>();
    private final int maxPackets;
    private final Long onlySession;

    /**
     * @param maxPackets  packets kept per session for ladders (0: none, only the IP byte counts)
     * @param onlySession keep only this session (null: all)
     */
    public PacketStore(int maxPackets, Long onlySession) {
        this.maxPackets = maxPackets;
        this.onlySession = onlySession;
    }

    public int maxPackets() {
        return maxPackets;
    }

    @Override
    public void onPacket(TcpSession s, boolean fromA, TcpSegment seg, long tsNs, Phase phase) {
        if (onlySession != null && s.id() != onlySession) {
            return;
        }
        Packets p = sessions.computeIfAbsent(s.id(), k -> new Packets());
        int ipLength = seg.tcpOffset() - seg.ipOffset() + seg.tcpHeaderLength() + seg.payloadLength();
        if (fromA) {
            p.ipBytesA += ipLength;
        } else {
            p.ipBytesB += ipLength;
        }
        p.aIsClient = s.client() == null || s.client() == s.a();
        p.seen++;
        if (p.count < maxPackets) {
            p.add(tsNs, fromA, seg.flags(), s.relativeSeq(fromA, seg.seq()),
                    seg.ackFlag() ? s.relativeAck(fromA, seg.ack()) : -1, seg.payloadLength(), seg.window(),
                    phase.ordinal(), (fromA ? s.a() : s.b()).state().ordinal(),
                    (fromA ? s.b() : s.a()).state().ordinal(), s.lastAnomalies());
        }
    }

    /** Removes and returns what was kept for session {@code id} (empty when nothing was). */
    public Packets take(long id) {
        Packets p = sessions.remove(id);
        return p != null ? p : EMPTY;
    }
}
