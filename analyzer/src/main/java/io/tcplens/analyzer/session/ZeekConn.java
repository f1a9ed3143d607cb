package io.tcplens.analyzer.session;

import io.tcplens.analyzer.decode.TcpSegment;

import static io.tcplens.analyzer.session.ZeekEndpoint.CLOSED;
import static io.tcplens.analyzer.session.ZeekEndpoint.ESTABLISHED;
import static io.tcplens.analyzer.session.ZeekEndpoint.INACTIVE;
import static io.tcplens.analyzer.session.ZeekEndpoint.PARTIAL;
import static io.tcplens.analyzer.session.ZeekEndpoint.RESET;
import static io.tcplens.analyzer.session.ZeekEndpoint.SYN_ACK_SENT;
import static io.tcplens.analyzer.session.ZeekEndpoint.SYN_SENT;

/**
 * Zeek's view of a TCP connection, for {@code conn.log}'s {@code conn_state} and {@code history}
 * (Zeek {@code scripts/base/protocols/conn/main.zeek}, {@code src/packet_analysis/protocol/tcp/},
 * {@code src/analyzer/protocol/tcp/}). A transcription of the per-packet path of
 * {@code TCPSessionAdapter::Process} in the order Zeek runs it: {@code init_endpoint},
 * {@code update_history}, {@code update_window}, ACK bookkeeping, {@code update_last_seq},
 * {@code UpdateStateMachine}, {@code AckReceived} (content gaps), {@code DataSent} (reassembly).
 * Zeek's originator is the sender of the first packet unless Zeek flips the roles ({@code ^}).
 * Bad checksums give {@code c} (and the packet is dropped, as in Zeek) only when tcplens verifies
 * them ({@code --verify-checksums}). Not modelled (see docs/ZEEK.md): connection removal/reuse
 * timers, 64-bit sequence wrap-around.
 *
 * <p>Per packet this allocates nothing: state is in primitive fields and in the two
 * {@link ZeekEndpoint}s; the history array grows (rarely: most histories are under 8 letters) and
 * the out-of-order block lists are made the first time they are needed.
 */
final class ZeekConn {

    // TCP_Endpoint::HistoryMasks (TCP_Endpoint.h); the responder's are shifted left by 16
    private static final int HIST_SYN_PKT = 0x1;
    private static final int HIST_FIN_PKT = 0x2;
    private static final int HIST_RST_PKT = 0x4;
    private static final int HIST_FIN_RST_PKT = 0x8;
    private static final int HIST_DATA_PKT = 0x10;
    private static final int HIST_ACK_PKT = 0x20;
    private static final int HIST_MULTI_FLAG_PKT = 0x40;

    /** TOO_LARGE_SEQ_DELTA in TCPSessionAdapter.cc */
    private static final int TOO_LARGE_SEQ_DELTA = 1048576;

    /** Zeek's history is unbounded; ours stops growing here (documented difference). */
    static final int MAX_HISTORY = 256;

    // TCPSessionAdapter ORIG/RESP bits of first_packet_seen
    private static final int ORIG = 1;
    private static final int RESP = 2;

    private final ZeekEndpoint a = new ZeekEndpoint();
    private final ZeekEndpoint b = new ZeekEndpoint();
    private char[] hist = new char[8];   // grows by doubling up to MAX_HISTORY
    private int histLen;
    /** Session::hist_seen */
    private int histSeen;

    private boolean started;
    private boolean origIsA = true;
    private boolean isPartial;
    private int firstPacketSeen;

    /** Feeds one segment sent by endpoint a ({@code fromA}) or b, in capture order. Allocates nothing. */
    void onSegment(boolean fromA, TcpSegment s, long ts) {
        int flags = s.flags();
        boolean syn = (flags & TcpSegment.SYN) != 0;
        boolean ack = (flags & TcpSegment.ACK) != 0;
        boolean fin = (flags & TcpSegment.FIN) != 0;
        boolean rst = (flags & TcpSegment.RST) != 0;
        if (!started) {
            started = true;
            // IPBasedAnalyzer::NewConn + TCPAnalyzer::WantConnection (packet_analysis/protocol/tcp/TCP.cc):
            // a connection that does not start with a pure SYN is flipped when the source port is a
            // likely server port and the destination is not; when both are, only a non-SYN packet
            // with src_port < dst_port flips. Connection::FlipRoles adds '^' before any other letter.
            if (!syn || ack) {
                int sp = s.srcPort();
                int dp = s.dstPort();
                if (ZeekServerPorts.likely(sp)) {
                    boolean flip = ZeekServerPorts.likely(dp) ? (!syn && sp < dp) : true;
                    if (flip) {
                        flipRoles();
                    }
                }
            }
        }
        ZeekEndpoint endpoint = fromA ? a : b;
        ZeekEndpoint peer = fromA ? b : a;
        boolean isOrig = fromA == origIsA;
        if (s.checksumStatus() == TcpSegment.CHECKSUM_BAD) {
            // TCPSessionAdapter::DeliverPacket: a bad checksum is TCP_Endpoint::ChecksumError
            // (ScaledHistoryEntry 'C'/'c') and the packet goes no further. tcplens verifies checksums
            // only with --verify-checksums; Zeek does unless ignore_checksums is set.
            if (scaled(endpoint.chkCnt + 1, endpoint.chkThresh)) {
                add(isOrig ? 'C' : 'c');
                endpoint.chkThresh *= 10;
            }
            endpoint.chkCnt++;
            return;
        }
        int len = s.payloadLength();
        int baseSeq = s.seq();
        int ackSeq = s.ack();

        // TCPSessionAdapter::SetPartialStatus
        if (isOrig) {
            if ((firstPacketSeen & ORIG) == 0) {
                isPartial = !syn || ack;
            }
        } else if ((firstPacketSeen & RESP) == 0 && !isPartial) {
            isPartial = !syn;
        }

        // get_segment_len: SYN and FIN take one sequence number each; a RST's payload takes none
        int segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0) - (rst ? len : 0);
        int seqOnePast = baseSeq + segLen;

        initEndpoint(endpoint, syn, baseSeq, seqOnePast);

        long relSeq = endpoint.rel(baseSeq);
        boolean seqUnderflow = relSeq < 0; // get_relative_seq(..., &seq_underflow)

        updateHistory(endpoint, isOrig, syn, ack, fin, rst, relSeq, len);

        // update_window: a zero window (scaling cannot make a non-zero 16-bit window zero) is 'W'
        // unless it comes with a RST, after this side's RST, or after the peer's FIN
        if (s.window() == 0 && !rst && peer.state != CLOSED && endpoint.state != RESET) {
            if (scaled(endpoint.win0Cnt + 1, endpoint.win0Thresh)) {
                add(isOrig ? 'W' : 'w');
                endpoint.win0Thresh *= 10;
            }
            endpoint.win0Cnt++;
        }

        if (fin) {
            endpoint.finCnt++;
            endpoint.finSeq = relSeq + segLen; // FIN_seq = rel_seq + seg_len
        }
        if (rst) {
            endpoint.rstCnt++;
        }

        long relAck = 0;
        if (ack) {
            if (peer.state == INACTIVE) {
                relAck = 1;
                // init_peer: number the peer as if its SYN had been seen
                peer.initSeqs(ackSeq - 1, ackSeq - 1);
            } else {
                relAck = peer.rel(ackSeq);
                if (relAck < 0) {
                    relAck = 0; // TCP_ack_underflow_or_misorder
                } else if (!rst) {
                    // update_ack_seq (RST acks are not trusted)
                    int deltaAck = ackSeq - peer.ackSeq;
                    if (!(ackSeq == 0 && deltaAck > TOO_LARGE_SEQ_DELTA) && deltaAck > 0) {
                        peer.ackSeq = ackSeq;
                    }
                }
            }
        }

        int deltaLast = updateLastSeq(endpoint, isOrig, seqOnePast, syn, fin, rst, len);

        updateStateMachine(endpoint, peer, isOrig, baseSeq, ackSeq, len, deltaLast, syn, ack, fin, rst);

        if (ack) {
            // after the state machine, so a gap revealed by the final FIN/RST is judged on the new states
            ackReceived(peer, peer == a ? origIsA : !origIsA, relAck);
        }

        // CheckPIA_FirstPacket marks the direction seen (with the current roles)
        boolean nowOrig = fromA == origIsA;
        firstPacketSeen |= nowOrig ? ORIG : RESP;

        // DataSent: only payload that was captured in full, not on RSTs, not below the start
        if (len > 0 && s.capturedPayloadLength() >= len && !rst && !seqUnderflow) {
            dataSent(endpoint, syn ? relSeq + 1 : relSeq, len);
        }
    }

    /** init_endpoint (TCPSessionAdapter.cc) */
    private static void initEndpoint(ZeekEndpoint e, boolean syn, int firstSeq, int lastSeq) {
        switch (e.state) {
            case INACTIVE -> {
                if (syn) {
                    e.initSeqs(firstSeq, lastSeq);
                } else {
                    // partial connection: number as though a SYN had been seen, first packet not a dup
                    e.initSeqs(firstSeq - 1, firstSeq);
                }
            }
            case SYN_SENT, SYN_ACK_SENT -> {
                if (syn && firstSeq != e.startSeq) {
                    e.initSeqs(firstSeq, lastSeq); // SYN_seq_jump
                }
            }
            case ESTABLISHED, PARTIAL -> {
                if (syn) {
                    e.initSeqs(firstSeq, lastSeq); // guess this SYN really sets it up
                }
            }
            case RESET -> {
                if (syn && e.prevState == INACTIVE) {
                    e.initSeqs(firstSeq, lastSeq); // the earlier RST may have been injected
                }
            }
            default -> { }
        }
    }

    /** update_history (TCPSessionAdapter.cc) */
    private void updateHistory(ZeekEndpoint e, boolean isOrig, boolean syn, boolean ack, boolean fin,
                               boolean rst, long relSeq, int len) {
        int bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
        if (bits > 1) {
            // 'I' for FIN+RST, 'Q' for SYN+FIN / SYN+RST: once per direction
            if (fin && rst) {
                checkHistory(isOrig, HIST_FIN_RST_PKT, 'I');
            } else {
                checkHistory(isOrig, HIST_MULTI_FLAG_PKT, 'Q');
            }
        } else if (bits == 1) {
            // 'S'/'H', 'F', 'R': first one always; again only when its sequence number differs
            // from the last one of that kind (FIN: at the end of its payload)
            if (syn) {
                char code = ack ? 'H' : 'S';
                if (checkHistory(isOrig, HIST_SYN_PKT, code) && relSeq != e.histLastSyn) {
                    add(isOrig ? code : Character.toLowerCase(code));
                }
                e.histLastSyn = relSeq;
            }
            if (fin) {
                if (checkHistory(isOrig, HIST_FIN_PKT, 'F') && relSeq + len != e.histLastFin) {
                    add(isOrig ? 'F' : 'f');
                }
                e.histLastFin = relSeq + len;
            }
            if (rst) {
                if (checkHistory(isOrig, HIST_RST_PKT, 'R') && relSeq != e.histLastRst) {
                    add(isOrig ? 'R' : 'r');
                }
                e.histLastRst = relSeq;
            }
        } else if (len > 0) {
            checkHistory(isOrig, HIST_DATA_PKT, 'D'); // 'D' once per direction
        } else if (ack) {
            checkHistory(isOrig, HIST_ACK_PKT, 'A'); // pure ACK, once per direction
        }
    }

    /**
     * TCP_Endpoint::CheckHistory / Session::CheckHistory: records the letter the first time its bit
     * is seen and returns false; true when it was seen before. The bit is chosen by the endpoint's
     * current role and hist_seen is not swapped by a flip (as in Zeek).
     */
    private boolean checkHistory(boolean isOrig, int mask, char code) {
        if (!isOrig) {
            mask <<= 16;
            code = Character.toLowerCase(code);
        }
        if ((histSeen & mask) == 0) {
            histSeen |= mask;
            add(code);
            return false;
        }
        return true;
    }

    /** Session::ScaledHistoryEntry: the letter is added when the count reaches 1, 10, 100, ... */
    private static boolean scaled(int count, int threshold) {
        return count == threshold;
    }

    /** update_last_seq (TCPSessionAdapter.cc): payload at or below the last sequence seen is 'T' */
    private int updateLastSeq(ZeekEndpoint e, boolean isOrig, int lastSeq, boolean syn, boolean fin,
                              boolean rst, int len) {
        int deltaLast = lastSeq - e.lastSeq;
        if ((syn || rst) && (deltaLast > TOO_LARGE_SEQ_DELTA || deltaLast < -TOO_LARGE_SEQ_DELTA)) {
            // outlandish SYN/RST sequence numbers are not trusted
        } else if (fin && e.lastSeq == e.startSeq + 1) {
            e.lastSeq = lastSeq; // > 2 GB connections seen only by SYN and FIN
        } else if (e.state == RESET) {
            // nothing after a RST is trusted
        } else if (deltaLast > 0) {
            e.lastSeq = lastSeq;
        } else if (len > 0) {
            // TCP_Endpoint::DidRxmit -> ScaledHistoryEntry('T')
            e.rxmtCnt++;
            if (scaled(e.rxmtCnt, e.rxmtThresh)) {
                add(isOrig ? 'T' : 't');
                e.rxmtThresh *= 10;
            }
        }
        return deltaLast;
    }

    /** TCPSessionAdapter::UpdateStateMachine and the Update*State functions */
    private void updateStateMachine(ZeekEndpoint endpoint, ZeekEndpoint peer, boolean isOrig, int baseSeq,
                                    int ackSeq, int len, int deltaLast, boolean syn, boolean ack, boolean fin,
                                    boolean rst) {
        switch (endpoint.state) {
            case INACTIVE -> updateInactive(endpoint, peer, isOrig, baseSeq, len, syn, ack, fin, rst);
            case SYN_SENT, SYN_ACK_SENT -> {
                // UpdateSYN_SentState
                if (fin) {
                    endpoint.setState(CLOSED);
                }
                if (rst) {
                    endpoint.setState(RESET);
                }
            }
            case ESTABLISHED, PARTIAL -> {
                // UpdateEstablishedState
                if (syn && endpoint.state == PARTIAL && peer.state == INACTIVE && !ack) {
                    endpoint.setState(SYN_SENT); // SYN_after_partial
                }
                if (fin && !rst) {
                    endpoint.setState(CLOSED);
                    if (peer.state == RESET && peer.prevState == CLOSED) {
                        peer.setState(CLOSED); // the peer's FIN then RST was a normal close
                    }
                }
                if (rst) {
                    endpoint.setState(RESET);
                }
            }
            case CLOSED -> {
                // UpdateClosedState: a RST after our FIN counts unless the peer closed too
                if (rst && peer.state != CLOSED) {
                    endpoint.setState(RESET);
                }
            }
            default -> { } // UpdateResetState only reports weirds
        }
    }

    /** TCPSessionAdapter::UpdateInactiveState */
    private void updateInactive(ZeekEndpoint endpoint, ZeekEndpoint peer, boolean isOrig, int baseSeq,
                                int len, boolean syn, boolean ack, boolean fin, boolean rst) {
        if (syn) {
            if (isOrig) {
                endpoint.setState(ack ? SYN_ACK_SENT : SYN_SENT);
            } else {
                if (!ack && peer.state == SYN_ACK_SENT && baseSeq == endpoint.startSeq) {
                    // SYN/SYN-ACK reversal (e.g. two interfaces): flip and establish
                    isPartial = false;
                    flipRoles();
                    peer.setState(ESTABLISHED);
                    firstPacketSeen |= ORIG; // SetFirstPacketSeen(true)
                }
                if (peer.state == SYN_SENT) {
                    peer.setState(ESTABLISHED);
                }
                endpoint.setState(ESTABLISHED);
            }
        }
        if (fin) {
            endpoint.setState(CLOSED);
        }
        if (rst) {
            endpoint.setState(RESET);
        }
        if (endpoint.state == INACTIVE) {
            // no control flags changed the state
            if (!isOrig && len == 0 && currentOrig().state == SYN_SENT) {
                // eccentric TCPs ack the SYN before replying: not a partial connection
            } else if (ack && peer.state == ESTABLISHED) {
                // SYN-ACK seen but not the SYN, now an ACK: establish instead of partial
                endpoint.setState(ESTABLISHED);
                isPartial = false;
                firstPacketSeen |= isOrig ? ORIG : RESP;
            } else {
                endpoint.setState(PARTIAL);
            }
        }
    }

    /** TCP_Reassembler::AckReceived -> Reassembler::TrimToSeq -> TCP_Reassembler::Undelivered -> Gap */
    private void ackReceived(ZeekEndpoint e, boolean eIsOrig, long seq) {
        if (e.finCnt > 0 && seq >= e.finSeq) {
            seq = e.finSeq - 1; // the FIN's sequence number is not data
        }
        if (seq <= e.trimSeq) {
            return;
        }
        if (seq > e.lastReassemSeq && !(seq <= 2 && isPartial)) {
            // Undelivered(up_to_seq): deliver buffered blocks below the ack, each hole is a gap
            while (true) {
                int i = lowestBlock(e);
                if (i < 0 || e.blockLo[i] >= seq) {
                    break;
                }
                if (e.blockLo[i] > e.lastReassemSeq) {
                    gap(e, eIsOrig);
                }
                e.lastReassemSeq = Math.max(e.lastReassemSeq, e.blockHi[i]);
                removeBlock(e, i);
                deliverBuffered(e);
            }
            if (seq > e.lastReassemSeq) {
                gap(e, eIsOrig);
            }
            if (seq > e.lastReassemSeq) {
                e.lastReassemSeq = seq;
            }
        }
        // blocks now below the trim point are gone
        for (int i = e.blocks - 1; i >= 0; i--) {
            if (e.blockHi[i] <= seq) {
                removeBlock(e, i);
            }
        }
        e.trimSeq = seq;
    }

    /** TCP_Reassembler::Gap: only counted while both sides are established or cleanly closing */
    private void gap(ZeekEndpoint e, boolean eIsOrig) {
        ZeekEndpoint peer = e == a ? b : a;
        if (e.isClean() && peer.isClean()) {
            e.gapCnt++;
            if (scaled(e.gapCnt, e.gapThresh)) {
                add(eIsOrig ? 'G' : 'g');
                e.gapThresh *= 10;
            }
        }
    }

    /** TCP_Reassembler::DataSent + Reassembler::NewBlock/BlockInserted, tracking offsets only */
    private static void dataSent(ZeekEndpoint e, long seq, int len) {
        long upper = seq + len;
        long acked = e.rel(e.ackSeq);
        if (seq < acked) {
            if (upper <= acked) {
                return; // already delivered and acknowledged
            }
            seq = acked;
        }
        if (upper <= e.trimSeq) {
            return;
        }
        if (seq < e.trimSeq) {
            seq = e.trimSeq;
        }
        if (seq <= e.lastReassemSeq) {
            if (upper > e.lastReassemSeq) {
                e.lastReassemSeq = upper;
                deliverBuffered(e);
            }
        } else if (e.blocks < ZeekEndpoint.MAX_BLOCKS) {
            if (e.blockLo == null) {
                e.blockLo = new long[ZeekEndpoint.MAX_BLOCKS];
                e.blockHi = new long[ZeekEndpoint.MAX_BLOCKS];
            }
            e.blockLo[e.blocks] = seq;
            e.blockHi[e.blocks] = upper;
            e.blocks++;
        }
    }

    /** delivers buffered blocks that now touch the reassembled edge */
    private static void deliverBuffered(ZeekEndpoint e) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (int i = e.blocks - 1; i >= 0; i--) {
                if (e.blockLo[i] <= e.lastReassemSeq) {
                    if (e.blockHi[i] > e.lastReassemSeq) {
                        e.lastReassemSeq = e.blockHi[i];
                        moved = true;
                    }
                    removeBlock(e, i);
                }
            }
        }
    }

    private static int lowestBlock(ZeekEndpoint e) {
        int best = -1;
        for (int i = 0; i < e.blocks; i++) {
            if (best < 0 || e.blockLo[i] < e.blockLo[best]) {
                best = i;
            }
        }
        return best;
    }

    private static void removeBlock(ZeekEndpoint e, int i) {
        e.blocks--;
        e.blockLo[i] = e.blockLo[e.blocks];
        e.blockHi[i] = e.blockHi[e.blocks];
    }

    /** Connection::FlipRoles + TCPSessionAdapter::FlipRoles */
    private void flipRoles() {
        origIsA = !origIsA;
        firstPacketSeen = ((firstPacketSeen & ORIG) != 0 ? RESP : 0) | ((firstPacketSeen & RESP) != 0 ? ORIG : 0);
        isPartial = false;
        add('^');
    }

    private ZeekEndpoint currentOrig() {
        return origIsA ? a : b;
    }

    private void add(char c) {
        if (histLen < MAX_HISTORY) {
            if (histLen == hist.length) {
                hist = java.util.Arrays.copyOf(hist, Math.min(MAX_HISTORY, hist.length * 2));
            }
            hist[histLen++] = c;
        }
    }

    /** true when Zeek's originator is endpoint a (the first packet's sender) */
    boolean originatorIsA() {
        return origIsA;
    }

    /** S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR or OTH: conn_state() in conn/main.zeek */
    String connState() {
        ZeekEndpoint o = currentOrig();
        ZeekEndpoint r = origIsA ? b : a;
        int os = o.state;
        int rs = r.state;
        boolean oInactive = os == INACTIVE || os == PARTIAL;
        boolean rInactive = rs == INACTIVE || rs == PARTIAL;
        if (rs == RESET) {
            if (os == SYN_SENT || os == SYN_ACK_SENT || (os == RESET && o.size(r) == 0 && r.size(o) == 0)) {
                return "REJ";
            }
            return oInactive ? "RSTRH" : "RSTR";
        }
        if (os == RESET) {
            if (rInactive) {
                return historyMatchesRstos0() ? "RSTOS0" : "OTH";
            }
            return "RSTO";
        }
        if (rs == CLOSED && os == CLOSED) {
            return "SF";
        }
        if (os == CLOSED) {
            return rInactive ? "SH" : "S2";
        }
        if (rs == CLOSED) {
            return oInactive ? "SHR" : "S3";
        }
        if (os == SYN_SENT && rs == INACTIVE) {
            return "S0";
        }
        if (os == ESTABLISHED && rs == ESTABLISHED) {
            return "S1";
        }
        return "OTH";
    }

    /** {@code /\^?S[^HAFGIQ]*R.* /} == history (a Zeek pattern match is anchored at both ends) */
    private boolean historyMatchesRstos0() {
        int i = 0;
        if (i < histLen && hist[i] == '^') {
            i++;
        }
        if (i >= histLen || hist[i] != 'S') {
            return false;
        }
        for (i++; i < histLen; i++) {
            char c = hist[i];
            if (c == 'R') {
                return true;
            }
            if (c == 'H' || c == 'A' || c == 'F' || c == 'G' || c == 'I' || c == 'Q') {
                return false;
            }
        }
        return false;
    }

    /** Zeek's history string, e.g. "ShADadFf" */
    String history() {
        return new String(hist, 0, histLen);
    }
}
