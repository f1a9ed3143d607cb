package io.tcplens.analyzer.session;

/**
 * One direction of a session as Wireshark's sequence analysis keeps it: the fields of
 * {@code tcp_flow_t} and {@code tcp_analyze_seq_flow_info_t} ({@code epan/dissectors/packet-tcp.c},
 * {@code init_tcp_conversation_data}) that decide the {@code tcp.analysis.*} flags. Primitive
 * fields only, allocated once per session.
 *
 * <p>Wireshark's quirks are kept on purpose: {@code nextSeq}, {@code maxSeqToBeAcked} and
 * {@code lastAck} use 0 for "not seen yet" (a real value 0 looks unset), and {@code window} starts
 * at {@code G_MAXUINT32}.
 */
final class SeqFlow {

    /** win_scale: not known yet (no SYN option seen) */
    static final int WS_UNKNOWN = -1;
    /** win_scale: known not to be used (a SYN without the option) */
    static final int WS_NONE = -2;

    /** TCP_S_BASE_SEQ_SET */
    boolean baseSeqSet;
    int baseSeq;

    /** highest next sequence number seen (seq + len + SYN/FIN); 0 = none */
    int nextSeq;
    /** capture time of the segment that set {@link #nextSeq} */
    long nextSeqTime;
    /** highest contiguous sequence number to be acknowledged; 0 = none */
    int maxSeqToBeAcked;

    /** ack field of this direction's last segment (set whatever the ACK flag) */
    int lastAck;
    long lastAckTime;
    /** duplicate ACKs in a row from this direction; -1 after an "ACKed unseen segment" */
    int dupAckNum;

    /** raw window field of this direction's last segment; G_MAXUINT32 before the first */
    int window = -1;
    /** shift count from this direction's Window Scale option, or WS_UNKNOWN / WS_NONE */
    int winScale = WS_UNKNOWN;
    /** a SYN was sent and no pure ACK since (issue 14690: do not scale the window yet) */
    boolean isFirstAck;

    /** Anomaly bits of this direction's last analysed segment (lastsegmentflags) */
    int lastSegmentFlags;

    /** packets of this direction per Anomaly ordinal; made at the first anomaly */
    long[] counts;
}
