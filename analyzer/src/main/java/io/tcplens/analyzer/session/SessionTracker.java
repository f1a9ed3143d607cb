package io.tcplens.analyzer.session;

import io.tcplens.analyzer.decode.TcpSegment;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The session engine: finds each segment's session (symmetric 4-tuple), starts a new one when
 * the 4-tuple is reused or was idle too long, applies the segment, and hands every session that
 * ends to the listener at once, so memory follows concurrent sessions, not input size.
 *
 * <p>Session boundaries (README, "Where a session begins and ends"):
 * <ul>
 *   <li>a SYN without ACK whose sequence number differs from the base sequence number its sender
 *       already used on this 4-tuple starts a new session (Wireshark's "TCP port numbers reused");
 *   <li>a session with no packet for longer than the idle timeout ends (Zeek's
 *       {@code tcp_inactivity_timeout}, 5 min); a later packet starts a new one;
 *   <li>a session that has ended (both FINs acknowledged, or reset) stays in the table for the
 *       close linger so late retransmissions and ACKs still count towards it, then is emitted.
 * </ul>
 */
public final class SessionTracker {

    private final long idleTimeoutNs;
    private final long closeLingerNs;
    private final SessionListener listener;
    private PacketListener packetListener;

    private final SessionTable table;
    private final ExpiryList open = new ExpiryList();
    private final ExpiryList ended = new ExpiryList();
    private long nextId;
    private long clock = Long.MIN_VALUE;
    private long portReuses;
    private long idleExpiries;
    private int maxSessions = Integer.MAX_VALUE;
    private long evictions;
    private long lingerCutShort;

    public SessionTracker(long idleTimeoutNs, long closeLingerNs, SessionListener listener) {
        this(idleTimeoutNs, closeLingerNs, listener, new SessionTable());
    }

    /** a tracker whose table has a given key: for tests that play an attacker who guessed it */
    SessionTracker(long idleTimeoutNs, long closeLingerNs, SessionListener listener, SessionTable table) {
        if (idleTimeoutNs <= 0 || closeLingerNs < 0) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        this.idleTimeoutNs = idleTimeoutNs;
        this.closeLingerNs = closeLingerNs;
        this.listener = listener;
        this.table = table;
    }

    public void setPacketListener(PacketListener packetListener) {
        this.packetListener = packetListener;
    }

    /** Applies one decoded TCP segment captured at {@code ts}. */
    public void onSegment(TcpSegment s, long ts) {
        if (s.droppedFragments() > 0) {
            droppedDatagram(s);
            return;
        }
        if (ts > clock) {
            clock = ts;
        }
        expire();
        int v = s.ipVersion();
        long sHi = s.srcHi(), sLo = s.srcLo(), dHi = s.dstHi(), dLo = s.dstLo();
        int sPort = s.srcPort(), dPort = s.dstPort();
        int hash = table.hash(v, sHi, sLo, sPort, dHi, dLo, dPort);
        TcpSession session = table.find(hash, v, sHi, sLo, sPort, dHi, dLo, dPort);
        boolean fromA = true;
        boolean reused = false;
        if (session != null) {
            fromA = session.a.is(sHi, sLo, sPort);
            Endpoint sender = fromA ? session.a : session.b;
            if (s.syn() && !s.ackFlag() && sender.baseSeqSet && s.seq() != sender.baseSeq) {
                portReuses++;
                end(session, EndReason.PORT_REUSED);
                session = null;
                reused = true;
            }
        }
        if (session == null) {
            evictIfFull();
            session = new TcpSession(nextId++, s, hash, ts);
            fromA = true;
            table.insert(session);
            open.addLast(session);
            if (reused) {
                session.analysis.portsReused();   // Wireshark flags this SYN tcp.analysis.reused_ports
            }
        }
        Phase phase = session.onSegment(s, fromA, ts);
        session.lastSeenNs = clock;
        if (!session.inEndedList && session.ended()) {
            open.remove(session);
            ended.addLast(session);
            session.inEndedList = true;
        } else {
            (session.inEndedList ? ended : open).moveToTail(session);
        }
        if (packetListener != null) {
            packetListener.onPacket(session, fromA, s, ts, phase);
        }
    }

    /**
     * A datagram of this 4-tuple was given up by the reassembler: its session, if there is one,
     * counts the fragments lost (a datagram whose session is not in the table is counted only in
     * the decode statistics).
     */
    private void droppedDatagram(TcpSegment s) {
        int v = s.ipVersion();
        long sHi = s.srcHi(), sLo = s.srcLo(), dHi = s.dstHi(), dLo = s.dstLo();
        int sPort = s.srcPort(), dPort = s.dstPort();
        TcpSession session = table.find(table.hash(v, sHi, sLo, sPort, dHi, dLo, dPort), v, sHi, sLo, sPort, dHi, dLo, dPort);
        if (session != null) {
            session.fragmentsDropped += s.droppedFragments();
        }
    }

    /**
     * {@code clock} never goes back and a session's {@code lastSeenNs} is the clock when it was last
     * seen, so clock − lastSeenNs lies in [0, 2^64): exact as an unsigned long, where a signed one
     * wraps negative for a jump of 2^63 ns or more (a pcapng timestamp can jump anywhere).
     */
    private void expire() {
        for (TcpSession h = ended.head(); h != null && Long.compareUnsigned(clock - h.lastSeenNs, closeLingerNs) > 0;
                h = ended.head()) {
            end(h, EndReason.CLOSED);
        }
        for (TcpSession h = open.head(); h != null && Long.compareUnsigned(clock - h.lastSeenNs, idleTimeoutNs) > 0;
                h = open.head()) {
            idleExpiries++;
            end(h, EndReason.IDLE_TIMEOUT);
        }
    }

    private void end(TcpSession session, EndReason reason) {
        table.remove(session);
        (session.inEndedList ? ended : open).remove(session);
        listener.onSession(session.toRecord(reason));
    }

    /**
     * The input is over: every session still in the table ends now, in order of id. Each record is built and
     * handed to the listener one at a time, and the session is let go as soon as it is handed on, so memory
     * falls as the flush goes (a million open sessions are never a million records at once).
     */
    public void finish() {
        TcpSession[] remaining = byId(open, ended);
        for (int i = 0; i < remaining.length; i++) {
            TcpSession s = remaining[i];
            remaining[i] = null;
            end(s, EndReason.CAPTURE_END);
        }
    }

    /** the sessions of {@code lists}, in order of id */
    private static TcpSession[] byId(ExpiryList... lists) {
        int n = 0;
        for (ExpiryList list : lists) {
            for (TcpSession s = list.head(); s != null; s = s.next) {
                n++;
            }
        }
        TcpSession[] sessions = new TcpSession[n];
        int i = 0;
        for (ExpiryList list : lists) {
            for (TcpSession s = list.head(); s != null; s = s.next) {
                sessions[i++] = s;
            }
        }
        Arrays.sort(sessions, Comparator.comparingLong(TcpSession::id));
        return sessions;
    }

    /**
     * Caps the session table: before a new session would exceed {@code max}, the longest-idle session
     * (closed ones waiting out the close linger first in line with open ones, by last packet) ends
     * at once, an open one with {@link EndReason#EVICTED}. Memory then stays bounded however long a
     * live capture runs.
     */
    public void setMaxSessions(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max sessions must be at least 1");
        }
        this.maxSessions = max;
    }

    private void evictIfFull() {
        while (table.size() >= maxSessions) {
            TcpSession o = open.head();
            TcpSession e = ended.head();
            TcpSession victim = o == null ? e : e == null ? o : (e.lastSeenNs <= o.lastSeenNs ? e : o);
            if (victim == null) {
                return;
            }
            if (victim.inEndedList) {
                lingerCutShort++;
                end(victim, EndReason.CLOSED);
            } else {
                evictions++;
                end(victim, EndReason.EVICTED);
            }
        }
    }

    /** open sessions ended early by {@link #setMaxSessions} (end reason {@link EndReason#EVICTED}) */
    public long evictions() {
        return evictions;
    }

    /**
     * closed sessions that left the table before their close linger was over, to make room under
     * {@link #setMaxSessions} (their record is complete; only packets that would still have come are not theirs)
     */
    public long lingerCutShort() {
        return lingerCutShort;
    }

    /**
     * Moves the capture clock to {@code ts} without a packet (a live capture's wall clock while the
     * interface is quiet), so closed sessions and idle ones end on time.
     */
    public void advanceClock(long ts) {
        if (ts > clock) {
            clock = ts;
            expire();
        }
    }

    /** The sessions still open, in order of id ({@code capture --interim}); they stay in the table. */
    public OpenSessions openSnapshot() {
        return new OpenSessions(byId(open));
    }

    /**
     * A snapshot of the open sessions. Their records are built one at a time as {@link #forEach} hands
     * them on, so a snapshot of a full table holds one record at a time, not one per open session.
     */
    public static final class OpenSessions {
        private final TcpSession[] sessions;

        private OpenSessions(TcpSession[] sessions) {
            this.sessions = sessions;
        }

        public int size() {
            return sessions.length;
        }

        public void forEach(java.util.function.Consumer<SessionRecord> each) {
            for (int i = 0; i < sessions.length; i++) {
                each.accept(sessions[i].toRecord(EndReason.CAPTURE_END));
                sessions[i] = null;
            }
        }
    }

    /** sessions started so far */
    public long sessions() {
        return nextId;
    }

    public int openSessions() {
        return table.size();
    }

    public long portReuses() {
        return portReuses;
    }

    public long idleExpiries() {
        return idleExpiries;
    }

    /**
     * Slots of the session table examined so far by lookups, inserts and removals (rehashing
     * included): a measure of hashing work that hash flooding would inflate, a few per packet
     * whatever the input (tests bound it).
     */
    public long probes() {
        return table.probes();
    }
}
