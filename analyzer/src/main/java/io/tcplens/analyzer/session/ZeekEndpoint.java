package io.tcplens.analyzer.session;

/**
 * One side of a {@link ZeekConn}: Zeek's {@code TCP_Endpoint} (src/analyzer/protocol/tcp/TCP_Endpoint.h/.cc)
 * plus the little of its {@code TCP_Reassembler} (TCP_Reassembler.cc) that decides content gaps.
 * Primitive fields only; allocated twice per session, never per packet.
 *
 * <p>Sequence numbers are kept raw (32 bits, as Zeek's {@code start_seq/last_seq/ack_seq}); relative
 * values are signed 32-bit deltas from {@link #startSeq}, which is what Zeek's
 * {@code get_relative_seq()} returns while the 32-bit space has not wrapped.
 */
final class ZeekEndpoint {

    // TCP_Endpoint.h enum EndpointState
    static final int INACTIVE = 0;
    static final int SYN_SENT = 1;
    static final int SYN_ACK_SENT = 2;
    static final int PARTIAL = 3;
    static final int ESTABLISHED = 4;
    static final int CLOSED = 5;
    static final int RESET = 6;

    /** Reassembler blocks held above a hole (Zeek keeps all; we keep this many, then drop). */
    static final int MAX_BLOCKS = 16;

    int state = INACTIVE;
    int prevState = INACTIVE;

    int startSeq;
    int lastSeq;
    int ackSeq;

    int finCnt;
    int rstCnt;
    long finSeq;

    // TCP_Endpoint::hist_last_SYN/FIN/RST (relative sequence numbers of the last control packets)
    long histLastSyn;
    long histLastFin;
    long histLastRst;

    // TCP_Endpoint rxmt/win0/gap counters and thresholds for Session::ScaledHistoryEntry
    int rxmtCnt;
    int rxmtThresh = 1;
    int win0Cnt;
    int win0Thresh = 1;
    int gapCnt;
    int gapThresh = 1;
    int chkCnt;
    int chkThresh = 1;

    // TCP_Reassembler (Reassembler(1, ...)): relative sequence numbers, first payload byte is 1
    long lastReassemSeq = 1;
    long trimSeq = 1;
    // allocated at the first out-of-order block: most connections never need them
    long[] blockLo;
    long[] blockHi;
    int blocks;

    /** TCP_Endpoint::SetState: prev_state only moves on a real change */
    void setState(int s) {
        if (s != state) {
            prevState = state;
            state = s;
        }
    }

    /** signed relative sequence number (Zeek get_relative_seq without wrap-around) */
    long rel(int seq) {
        return seq - startSeq;
    }

    void initSeqs(int start, int last) {
        startSeq = start;
        ackSeq = start;
        lastSeq = last;
    }

    /** TCP_Endpoint::NoDataAcked */
    boolean noDataAcked() {
        int d = ackSeq - startSeq;
        return d == 0 || d == 1;
    }

    /** TCP_Endpoint::Size (bytes this endpoint sent, from sequence numbers) */
    long size(ZeekEndpoint peer) {
        if (prevState == SYN_SENT && state == RESET && peer.state == INACTIVE && !noDataAcked()) {
            return 0;
        }
        long last = Integer.toUnsignedLong(lastSeq - startSeq);
        long ack = Integer.toUnsignedLong(ackSeq - startSeq);
        long size = Math.max(last, ack);
        if (size != 0) {
            size--; // SYN octet
        }
        if (finCnt > 0 && size != 0) {
            size--; // FIN octet
        }
        return size;
    }

    /** TCP_Reassembler: is this side ESTABLISHED, or CLOSED straight from ESTABLISHED */
    boolean isClean() {
        return state == ESTABLISHED || (state == CLOSED && prevState == ESTABLISHED);
    }
}
