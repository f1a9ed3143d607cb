package io.tcplens.analyzer.session;

import io.tcplens.analyzer.decode.TcpSegment;

/**
 * One direction of a connection, seen from its sender: what this endpoint sent and the state it
 * is in (after Zeek's {@code TCP_Endpoint}: the session composes two and only combines them).
 */
public final class Endpoint {

    final long addrHi;
    final long addrLo;
    final int port;

    // counters (64-bit: a long capture overflows 32 bits of bytes)
    long packets;
    long payloadBytes;
    long dataPackets;    // packets carrying payload
    long synPackets;     // SYN without ACK
    long synAckPackets;  // SYN with ACK
    long finPackets;
    long rstPackets;

    // sequence space
    boolean baseSeqSet;
    /** base for relative sequence numbers: the ISN, or first seq − 1 when no SYN was seen */
    int baseSeq;

    // options from this endpoint's SYN or SYN-ACK (RFC 9293 §3.7.1, RFC 7323)
    int mss = TcpSegment.ABSENT;
    int windowScale = TcpSegment.ABSENT;
    boolean sackPermitted;
    boolean timestamps;

    // close (RFC 9293 §3.6)
    boolean finSent;
    /** sequence number the FIN occupies */
    int finSeq;
    long finNs;
    boolean finAcked;
    long finAckedNs;
    long rstNs;
    boolean sentDataAfterPeerFin;
    long firstDataNs;

    TcpState state = TcpState.CLOSED;

    // sequence space this endpoint's data has covered: unique payload bytes (RFC 9293 §3.4)
    boolean dataSeqSet;
    int dataStart;       // ISN + 1, or the first seq seen without SYN
    int maxSeqEnd;       // highest seq + length sent so far (mod 2^32)

    // RTT samples from this endpoint's data and the peer's ACK, one timed segment at a time and
    // never a retransmitted one (Karn's algorithm, RFC 6298 §3)
    boolean timing;
    int timedSeqEnd;
    long timedSentNs;
    long rttSamples;
    long rttMinNs = Long.MAX_VALUE;
    long rttMaxNs = Long.MIN_VALUE;   // an RTT is negative when the timestamps went backwards
    long rttSumNs;

    // receive window this endpoint advertises (RFC 7323 §2: scaled except in SYNs)
    int lastWindow = -1;
    boolean lastWindowInSyn;
    long zeroWindowEpisodes;
    /** its window has been 0 since {@code zeroWindowSinceNs}: a flag of its own, as every long is a possible timestamp */
    boolean inZeroWindow;
    long zeroWindowSinceNs;
    long zeroWindowTotalNs;

    /** segments longer than the MSS the peer announced (GRO/TSO on the capturing host) */
    long oversizeSegments;
    /** segments whose TCP checksum was wrong, when checksums are verified */
    long badChecksums;
    /** segments with nonsense flags or option lengths ({@code TcpSegment.nonsense()}) */
    long malformedSegments;

    Endpoint(long addrHi, long addrLo, int port) {
        this.addrHi = addrHi;
        this.addrLo = addrLo;
        this.port = port;
    }

    boolean is(long hi, long lo, int p) {
        return port == p && addrLo == lo && addrHi == hi;
    }

    /** Sequence number relative to this endpoint's base (what Wireshark shows as "relative"). */
    long relativeSeq(int seq) {
        return baseSeqSet ? SeqNum.relative(seq, baseSeq) : 0;
    }

    public long addrHi() { return addrHi; }
    public long addrLo() { return addrLo; }
    public int port() { return port; }
    public long packets() { return packets; }
    public long payloadBytes() { return payloadBytes; }
    public long dataPackets() { return dataPackets; }
    public long finPackets() { return finPackets; }
    public long rstPackets() { return rstPackets; }
    public TcpState state() { return state; }
    public int mss() { return mss; }
    public int windowScale() { return windowScale; }
    public boolean sackPermitted() { return sackPermitted; }
    public boolean timestamps() { return timestamps; }
}
