package io.tcplens.analyzer.session;

import io.tcplens.analyzer.decode.TcpSegment;

/**
 * Wireshark's per-direction sequence analysis for one session: which {@link Anomaly anomalies}
 * each packet shows, by the rules of Wireshark 4.0's {@code epan/dissectors/packet-tcp.c}
 * ({@code dissect_tcp}, {@code tcp_analyze_sequence_number}, {@code verify_tcp_window_scaling},
 * {@code dissect_tcpopt_wscale}), in the same order, with the same 32-bit arithmetic and the same
 * "0 means unset" conventions. Results equal {@code tshark -2}'s {@code tcp.analysis.*} fields;
 * see docs/ANOMALIES.md.
 *
 * <p>As in tshark's output, {@link Anomaly#RETRANSMISSION} is set on every retransmission,
 * including the fast and spurious ones (Wireshark adds the {@code tcp.analysis.retransmission}
 * expert info to all three); {@link Anomaly#FAST_RETRANSMISSION} and
 * {@link Anomaly#SPURIOUS_RETRANSMISSION} say which kind.
 *
 * <p>Per-packet work allocates nothing: two {@link SeqFlow}s of primitive fields (Wireshark's
 * {@code tcp_flow_t}); the unacked-segment list Wireshark keeps is only used for RTT/RTO and
 * bytes-in-flight, never for the flags, and is not kept.
 */
final class SequenceAnalysis {

    private static final int TH_FIN = TcpSegment.FIN;
    private static final int TH_SYN = TcpSegment.SYN;
    private static final int TH_RST = TcpSegment.RST;
    private static final int TH_ACK = TcpSegment.ACK;

    private static final int RETRANSMISSION = Anomaly.RETRANSMISSION.bit();
    private static final int FAST_RETRANSMISSION = Anomaly.FAST_RETRANSMISSION.bit();
    private static final int SPURIOUS_RETRANSMISSION = Anomaly.SPURIOUS_RETRANSMISSION.bit();
    private static final int OUT_OF_ORDER = Anomaly.OUT_OF_ORDER.bit();
    private static final int LOST_SEGMENT = Anomaly.LOST_SEGMENT.bit();
    private static final int ACKED_UNSEEN = Anomaly.ACKED_UNSEEN_SEGMENT.bit();
    private static final int DUPLICATE_ACK = Anomaly.DUPLICATE_ACK.bit();
    private static final int ZERO_WINDOW = Anomaly.ZERO_WINDOW.bit();
    private static final int ZERO_WINDOW_PROBE = Anomaly.ZERO_WINDOW_PROBE.bit();
    private static final int ZERO_WINDOW_PROBE_ACK = Anomaly.ZERO_WINDOW_PROBE_ACK.bit();
    private static final int KEEP_ALIVE = Anomaly.KEEP_ALIVE.bit();
    private static final int KEEP_ALIVE_ACK = Anomaly.KEEP_ALIVE_ACK.bit();
    private static final int WINDOW_UPDATE = Anomaly.WINDOW_UPDATE.bit();
    private static final int WINDOW_FULL = Anomaly.WINDOW_FULL.bit();
    private static final int REUSED_PORTS = Anomaly.REUSED_PORTS.bit();

    /** tcp_analyze_sequence_number: out-of-order threshold without an initial RTT (3 ms) */
    private static final long OOO_THRESHOLD_NO_RTT_NS = 3_000_000L;
    /** tcp_analyze_sequence_number: a fast retransmission follows the last dup ACK within 20 ms */
    private static final long FAST_RETRANSMISSION_WINDOW_NS = 20_000_000L;

    private final SeqFlow fromA = new SeqFlow();
    private final SeqFlow fromB = new SeqFlow();

    /** tcpd->ts_mru_syn: time of the most recent pure SYN; 0 = none */
    private long mruSynNs;
    /** tcpd->ts_first_rtt: initial RTT; 0 = not known (as nstime_is_zero) */
    private long firstRttNs;
    /** the session was opened by a SYN that reused the 4-tuple (see {@link #portsReused()}) */
    private boolean reusedPortsPending;

    /**
     * Hook for the session engine: this session starts because its first segment, a SYN, reused a
     * 4-tuple whose previous session had another base sequence number. Wireshark creates a new
     * conversation there and flags that SYN {@code tcp.analysis.reused_ports} ({@code dissect_tcp},
     * "TCP Port numbers reused"). Call before the first {@link #onSegment}.
     */
    void portsReused() {
        reusedPortsPending = true;
    }

    /**
     * Analyses one segment sent by endpoint a ({@code fromA}) or b, in capture order; returns the
     * bit set of anomalies it shows. Allocates nothing.
     */
    int onSegment(boolean fromA, TcpSegment s, long ts) {
        SeqFlow fwd = fromA ? this.fromA : this.fromB;
        SeqFlow rev = fromA ? this.fromB : this.fromA;
        int seq = s.seq();
        int ack = s.ack();
        int flags = s.flags();
        int seglen = s.payloadLength();
        int window = s.window();
        int ta = 0;

        // dissect_tcp: port reuse. A pure SYN whose seq differs from the direction's base_seq opened
        // a new conversation flagged TCP_A_REUSED_PORTS (the session engine started this session and
        // told us: portsReused()). A SYN with the same seq stays and is not flagged in 4.0 (the
        // corpus agrees); the analysis below calls it a retransmission.
        if (reusedPortsPending) {
            reusedPortsPending = false;
            ta |= REUSED_PORTS;
        }
        // dissect_tcp: a SYN-ACK whose seq differs from the direction's base_seq is flagged
        // TCP_A_REUSED_PORTS and its seq becomes the base_seq (issue 16944)
        if ((flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) && fwd.baseSeqSet && seq != fwd.baseSeq) {
            fwd.baseSeq = seq;
            ta |= REUSED_PORTS;
        }

        ta = analyze(fwd, rev, seq, ack, seglen, flags, window, ts, ta);

        // dissect_tcp, after the analysis: iRTT (ts_mru_syn / ts_first_rtt) and is_first_ack
        if ((flags & TH_SYN) != 0) {
            if ((flags & TH_ACK) == 0) {
                mruSynNs = ts;
            }
            fwd.isFirstAck = true;
        }
        if ((flags & (TH_SYN | TH_ACK)) == TH_ACK) {
            if (mruSynNs != 0 && firstRttNs == 0) {
                firstRttNs = ts - mruSynNs;
            }
            fwd.isFirstAck = false;
        }
        // dissect_tcpopt_wscale: any segment carrying the option sets the shift (clamped to 14)
        if (s.windowScale() != TcpSegment.ABSENT) {
            fwd.winScale = Math.min(s.windowScale(), 14);
        }
        // verify_tcp_window_scaling, on SYNs after the options: scaling is used only when both
        // SYNs carried the option
        if ((flags & TH_SYN) != 0) {
            if (fwd.winScale == SeqFlow.WS_UNKNOWN) {
                fwd.winScale = SeqFlow.WS_NONE;
                rev.winScale = SeqFlow.WS_NONE;
            } else if ((flags & TH_ACK) != 0 && rev.winScale == SeqFlow.WS_NONE) {
                fwd.winScale = SeqFlow.WS_NONE;
            }
        }

        if (ta != 0) {
            if (fwd.counts == null) {
                fwd.counts = new long[Anomaly.values().length];   // first anomaly of this direction
            }
            long[] counts = fwd.counts;
            for (int bits = ta; bits != 0; bits &= bits - 1) {
                counts[Integer.numberOfTrailingZeros(bits)]++;
            }
        }
        return ta;
    }

    /** tcp_analyze_sequence_number(), step by step; {@code ta} = flags set before it (ports reused) */
    private int analyze(SeqFlow fwd, SeqFlow rev, int seq, int ack, int seglen, int flags, int window,
                        long ts, int ta) {
        // base_seq: the first segment of a direction gives its own (SYN: seq, else seq - 1); the
        // first segment with ACK gives the peer's (ack - 1)
        if (!fwd.baseSeqSet) {
            fwd.baseSeq = (flags & TH_SYN) != 0 ? seq : seq - 1;
            fwd.baseSeqSet = true;
        }
        if (!rev.baseSeqSet && (flags & TH_ACK) != 0) {
            rev.baseSeq = ack - 1;
            rev.baseSeqSet = true;
        }

        fwdChecks:
        {
            // ZERO WINDOW PROBE: 1 byte at the next expected seq while the peer's window is 0
            if (seglen == 1 && seq == fwd.nextSeq && rev.window == 0) {
                ta |= ZERO_WINDOW_PROBE;
                break fwdChecks;
            }
            // ZERO WINDOW: window 0 and none of SYN/FIN/RST
            if (window == 0 && (flags & (TH_RST | TH_FIN | TH_SYN)) == 0) {
                ta |= ZERO_WINDOW;
            }
            // LOST PACKET ("previous segment not captured"): seq beyond nextseq; not for RST
            if (fwd.nextSeq != 0 && gtSeq(seq, fwd.nextSeq) && (flags & TH_RST) == 0) {
                ta |= LOST_SEGMENT;
            }
            // KEEP ALIVE: 0 or 1 byte starting one byte before nextseq; not SYN/FIN/RST
            if ((seglen == 0 || seglen == 1) && seq == fwd.nextSeq - 1
                    && (flags & (TH_SYN | TH_FIN | TH_RST)) == 0) {
                ta |= KEEP_ALIVE;
            }
            // WINDOW UPDATE: no data, same seq/ack as before, new non-zero window
            if (seglen == 0 && window != 0 && window != fwd.window && seq == fwd.nextSeq
                    && ack == fwd.lastAck && (flags & (TH_SYN | TH_FIN | TH_RST)) == 0) {
                ta |= WINDOW_UPDATE;
            }
            // WINDOW FULL: data reaching exactly the right edge of the peer's advertised window,
            // when the peer's scaling is known (not scaled while its SYN is the last thing it sent)
            if (seglen > 0 && rev.winScale != SeqFlow.WS_UNKNOWN
                    && seq + seglen == rev.lastAck + (rev.window << (rev.isFirstAck ? 0
                            : rev.winScale == SeqFlow.WS_NONE ? 0 : rev.winScale))
                    && (flags & (TH_SYN | TH_FIN | TH_RST)) == 0) {
                ta |= WINDOW_FULL;
            }
            // KEEP ALIVE ACK: repeats the last ACK/window while the peer's last segment was a keep-alive
            if (seglen == 0 && window != 0 && window == fwd.window && seq == fwd.nextSeq
                    && ack == fwd.lastAck && (rev.lastSegmentFlags & KEEP_ALIVE) != 0
                    && (flags & (TH_SYN | TH_FIN | TH_RST)) == 0) {
                ta |= KEEP_ALIVE_ACK;
                break fwdChecks;
            }
            // ZERO WINDOW PROBE ACK: repeats the last ACK and the zero window after a probe
            if (seglen == 0 && window == 0 && window == fwd.window && seq == fwd.nextSeq
                    && ack == fwd.lastAck && (rev.lastSegmentFlags & ZERO_WINDOW_PROBE) != 0
                    && (flags & (TH_SYN | TH_FIN | TH_RST)) == 0) {
                ta |= ZERO_WINDOW_PROBE_ACK;
                break fwdChecks;
            }
            // DUPLICATE ACK: no data, same window/seq/ack as the previous segment
            if (seglen == 0 && window != 0 && window == fwd.window && seq == fwd.nextSeq
                    && ack == fwd.lastAck && (flags & (TH_SYN | TH_FIN | TH_RST)) == 0) {
                fwd.dupAckNum = fwd.dupAckNum == -1 ? 1 : fwd.dupAckNum + 1;
                ta |= DUPLICATE_ACK;
            }
        }

        // finished_fwd: a new ack resets the dup-ack counter
        if (ack != fwd.lastAck) {
            fwd.dupAckNum = 0;
        }

        // ACKED LOST PACKET ("ACKed unseen segment"): acks beyond what the peer was seen to send
        if (rev.maxSeqToBeAcked != 0 && gtSeq(ack, rev.maxSeqToBeAcked) && (flags & TH_ACK) != 0) {
            if (Integer.compareUnsigned(rev.maxSeqToBeAcked, rev.nextSeq) < 0) {
                // a hole in what the peer sent: flag it and move the boundary past it
                rev.maxSeqToBeAcked = rev.nextSeq;
                ta |= ACKED_UNSEEN;
            } else {
                // the peer may be stalled with pure ACKs: flag the same hole only once, until the
                // peer's own ack moves (dupacknum -1 marks "already reported")
                if (rev.dupAckNum == 0) {
                    ta |= ACKED_UNSEEN;
                }
                rev.dupAckNum = -1;
            }
        }

        // RETRANSMISSION / FAST RETRANSMISSION / OUT-OF-ORDER / SPURIOUS: data, SYN or FIN that
        // does not advance nextseq; a keep-alive is none of them
        retransmissionType:
        if (seglen > 0 || (flags & (TH_SYN | TH_FIN)) != 0) {
            boolean seqNotAdvanced = fwd.nextSeq != 0 && ltSeq(seq, fwd.nextSeq);
            if ((ta & KEEP_ALIVE) != 0) {
                break retransmissionType;
            }
            // more than one byte starting at nextseq - 1 (after a possible zero window probe) adds data
            if (seglen > 1 && fwd.nextSeq - 1 == seq) {
                seqNotAdvanced = false;
            }
            // SPURIOUS: all of its data was already acknowledged by the peer
            if (seglen > 0 && rev.lastAck != 0 && leSeq(seq + seglen, rev.lastAck)) {
                ta |= SPURIOUS_RETRANSMISSION | RETRANSMISSION;
                break retransmissionType;
            }
            // tcp.fastrt_supersedes_ooo (default TRUE): fast retransmission is tested first.
            // FAST: >= 2 dup ACKs from the peer for exactly this seq, the last within 20 ms
            if (seqNotAdvanced && Integer.compareUnsigned(rev.dupAckNum, 2) >= 0 && rev.lastAck == seq
                    && Long.compareUnsigned(ts - rev.lastAckTime, FAST_RETRANSMISSION_WINDOW_NS) < 0) {
                ta |= FAST_RETRANSMISSION | RETRANSMISSION;
                break retransmissionType;
            }
            // OUT-OF-ORDER: within the initial RTT (3 ms if unknown) of the segment that set
            // nextseq, and not ending exactly at nextseq
            long thres = firstRttNs == 0 ? OOO_THRESHOLD_NO_RTT_NS : firstRttNs;
            if (seqNotAdvanced && Long.compareUnsigned(ts - fwd.nextSeqTime, thres) < 0
                    && fwd.nextSeq != seq + seglen + ((flags & (TH_SYN | TH_FIN)) != 0 ? 1 : 0)) {
                ta |= OUT_OF_ORDER;
                break retransmissionType;
            }
            if (seqNotAdvanced) {
                ta |= RETRANSMISSION;
            }
        }

        // finished_checking_retransmission_type: nextseq advances (not for a zero window probe)
        int nextSeq = seq + seglen + ((flags & (TH_SYN | TH_FIN)) != 0 ? 1 : 0);
        if ((gtSeq(nextSeq, fwd.nextSeq) || fwd.nextSeq == 0) && (ta & ZERO_WINDOW_PROBE) == 0) {
            fwd.nextSeq = nextSeq;
            fwd.nextSeqTime = ts;
        }
        // maxseqtobeacked: highest contiguous seq, for "ACKed unseen segment"
        if ((seq == fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked == 0) && (ta & ZERO_WINDOW_PROBE) == 0) {
            fwd.maxSeqToBeAcked = fwd.nextSeq;
        }
        // remember ack/window for window updates, dup ACKs and retransmissions
        fwd.window = window;
        fwd.lastAck = ack;
        fwd.lastAckTime = ts;
        fwd.lastSegmentFlags = ta;
        return ta;
    }

    /** GT_SEQ(x, y): x after y modulo 2^32 */
    private static boolean gtSeq(int x, int y) {
        return y - x < 0;
    }

    /** LT_SEQ(x, y) */
    private static boolean ltSeq(int x, int y) {
        return x - y < 0;
    }

    /** LE_SEQ(x, y) */
    private static boolean leSeq(int x, int y) {
        return x - y <= 0;
    }

    /** packets sent by a ({@code fromA}) or b that showed anomaly {@code a} */
    long count(boolean fromA, Anomaly a) {
        long[] counts = (fromA ? this.fromA : this.fromB).counts;
        return counts == null ? 0 : counts[a.ordinal()];
    }
}
