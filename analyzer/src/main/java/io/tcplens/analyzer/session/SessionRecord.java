package io.tcplens.analyzer.session;

import java.util.List;

/**
 * The finished analysis of one TCP session: the public record every output format renders.
 * Field names follow the JSON Lines contract (DESIGN §3); nullable times are {@code Long}.
 *
 * <p>{@code fragmentsDropped}: fragments of this session's IPv4 datagrams that the reassembler
 * gave up (memory budget, 30 s timeout, or incomplete at the end of the input), counted when the
 * datagram's first fragment, which names the 4-tuple, had arrived: the session misses those segments.
 */
public record SessionRecord(
        long id,
        int ipVersion,
        String clientAddr, int clientPort,
        String serverAddr, int serverPort,
        ClientBasis clientBasis,
        long startNs, long endNs,
        long packetsC2s, long packetsS2c,
        long bytesC2s, long bytesS2c,
        long synPackets, long synackPackets,
        long finC2s, long finS2c, long rstC2s, long rstS2c,
        HandshakeInfo handshake,
        CloseInfo close,
        DataInfo data,
        TcpState clientState, TcpState serverState,
        EndReason endReason,
        ZeekInfo zeek,
        Anomalies anomalies,
        int completeness,
        long fragmentsDropped,
        EndpointInfo clientInfo,
        EndpointInfo serverInfo,
        List<TimelineEvent> timeline) {

    /**
     * What one endpoint sent and what was measured about it.
     *
     * @param mss              MSS option from its SYN or SYN-ACK (-1 when absent)
     * @param windowScale      window-scale option from its SYN or SYN-ACK (-1 when absent)
     * @param lastWindow        the last receive window it advertised, scaled when both SYNs carried
     *                          the window-scale option (RFC 7323), -1 when unknown
     * @param uniqueBytes       payload bytes by sequence numbers: the sequence space its data covered,
     *                          each byte once however often it was retransmitted
     * @param dataSegments      segments carrying payload
     * @param rttSamples        RTT samples: its data segment to the peer's ACK covering it, seen at the
     *                          capture point, retransmitted segments skipped (Karn's algorithm)
     * @param zeroWindowEpisodes times it advertised a zero window; {@code zeroWindowNs} how long in all
     * @param oversizeSegments  segments longer than the MSS the peer announced (GRO/TSO captures)
     * @param badChecksums      segments with a wrong TCP checksum (only with checksum verification)
     * @param malformedSegments segments with nonsense flags (SYN+FIN, SYN+RST, none, all) or option lengths
     * @param finalState        its RFC 9293 state when last seen
     */
    public record EndpointInfo(int mss, int windowScale, boolean sackPermitted, boolean timestamps,
                               long lastWindow, long uniqueBytes, long dataSegments,
                               long rttSamples, Long rttMinNs, Long rttMeanNs, Long rttMaxNs,
                               long zeroWindowEpisodes, long zeroWindowNs, long oversizeSegments,
                               long badChecksums, long malformedSegments, TcpState finalState) {
    }

    /**
     * Zeek's {@code conn.log} view: {@code conn_state}, {@code history}, and which of our roles
     * Zeek calls the originator ({@code id.orig_h}).
     */
    public record ZeekInfo(String connState, String history, Role originator) {
    }

    /** Packets showing each {@link Anomaly}, per direction (only anomalies seen are present). */
    public record Anomalies(java.util.Map<Anomaly, Long> c2s, java.util.Map<Anomaly, Long> s2c) {

        public long c2s(Anomaly a) {
            return c2s.getOrDefault(a, 0L);
        }

        public long s2c(Anomaly a) {
            return s2c.getOrDefault(a, 0L);
        }

        public long total(Anomaly a) {
            return c2s(a) + s2c(a);
        }
    }

    /**
     * @param synRetries   SYNs after the first with the same ISN
     */
    public record HandshakeInfo(HandshakeStatus status, Long synNs, Long synackNs, Long ackNs, Long rttNs,
                                int synRetries, boolean simultaneousOpen) {
    }

    /**
     * @param initiator    who sent the first FIN or RST; null when neither was seen
     * @param complete     FINs went both ways and each was acknowledged
     * @param halfClose    one side kept sending data after the other side's FIN
     * @param simultaneous both sides sent a FIN before seeing the other's (RFC 9293 §3.6 figure 13)
     * @param resetBy      who sent the first RST; null when none
     */
    public record CloseInfo(Role initiator, CloseKind kind, boolean complete, boolean halfClose,
                            boolean simultaneous, Role resetBy,
                            Long clientFinNs, Long serverFinNs, Long resetNs) {
    }

    /** Payload seen each way: packets carrying data, first and last data packet times (null without payload). */
    public record DataInfo(long dataPacketsC2s, long dataPacketsS2c, Long firstC2sNs, Long firstS2cNs, Long lastDataNs) {
    }

    public Outcome outcome() {
        return Outcome.of(this);
    }

    public Diagnosis diagnosis() {
        return Diagnosis.of(this);
    }

    /** end − start: negative when the timestamps went backwards, clamped to the long range ({@link Saturating}) */
    public long durationNs() {
        return Saturating.between(startNs, endNs);
    }

    /** how long after the session's start {@code tsNs} is (a timeline offset; {@link Saturating}) */
    public long sinceStart(long tsNs) {
        return Saturating.between(startNs, tsNs);
    }

    public long packets() {
        return Saturating.plus(packetsC2s, packetsS2c);
    }

    public long bytes() {
        return Saturating.plus(bytesC2s, bytesS2c);
    }
}
