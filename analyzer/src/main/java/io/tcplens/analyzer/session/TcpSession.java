package io.tcplens.analyzer.session;

import io.tcplens.analyzer.decode.PacketDecoder;
import io.tcplens.analyzer.decode.TcpSegment;

import java.util.ArrayList;
import java.util.List;

/**
 * One TCP connection as the capture saw it: two {@link Endpoint}s ({@code a} sent the first packet),
 * the handshake, the close, and a short timeline of notable steps. Updated in place per packet
 * (no allocation on that path except the few timeline steps a session records once).
 */
public final class TcpSession {

    private static final int MAX_TIMELINE = 24;

    final long id;
    final int ipVersion;
    final Endpoint a;
    final Endpoint b;
    final int hash;

    long startNs;
    long endNs;
    /** capture clock (max timestamp seen) at this session's last packet: drives expiry */
    long lastSeenNs;

    final Handshake handshake = new Handshake();
    final SequenceAnalysis analysis = new SequenceAnalysis();
    final ZeekConn zeek = new ZeekConn();
    private int lastAnomalies;

    // Wireshark's tcp.completeness (1 SYN, 2 SYN-ACK, 4 ACK, 8 DATA, 16 FIN, 32 RST): see completeness()
    private int creatorBits;
    private int packetBits;
    private long packets;

    Endpoint firstCloser;
    CloseKind firstCloseKind = CloseKind.NONE;
    boolean simultaneousClose;
    Endpoint firstResetter;
    long lastDataNs;
    /** fragments of this session's IPv4 datagrams that the reassembler gave up */
    long fragmentsDropped;

    private final List<PendingStep> steps = new ArrayList<>(8);

    // intrusive expiry list links (see SessionTable)
    TcpSession prev;
    TcpSession next;
    boolean inEndedList;

    private record PendingStep(long ts, Endpoint sender, Step step, TcpState senderState,
                               TcpState receiverState, long relSeq, long relAck, int length) {
    }

    TcpSession(long id, TcpSegment first, int hash, long ts) {
        this.id = id;
        this.ipVersion = first.ipVersion();
        this.a = new Endpoint(first.srcHi(), first.srcLo(), first.srcPort());
        this.b = new Endpoint(first.dstHi(), first.dstLo(), first.dstPort());
        this.hash = hash;
        this.startNs = ts;
        if (!first.syn()) {
            // no handshake in view: the connection was already open when the capture began
            a.state = TcpState.UNKNOWN;
            b.state = TcpState.UNKNOWN;
        }
    }

    public long id() {
        return id;
    }

    public int ipVersion() {
        return ipVersion;
    }

    /** the endpoint that sent the session's first packet */
    public Endpoint a() {
        return a;
    }

    public Endpoint b() {
        return b;
    }

    boolean matches(int version, long sHi, long sLo, int sPort, long dHi, long dLo, int dPort) {
        return ipVersion == version
                && (a.is(sHi, sLo, sPort) && b.is(dHi, dLo, dPort) || a.is(dHi, dLo, dPort) && b.is(sHi, sLo, sPort));
    }

    /** True once the session is over: both FINs acknowledged, or reset. */
    boolean ended() {
        return firstResetter != null || (a.finAcked && b.finAcked);
    }

    /**
     * Applies one segment sent by {@code a} (when {@code fromA}) or {@code b}; returns the phase
     * the packet belongs to.
     */
    Phase onSegment(TcpSegment s, boolean fromA, long ts) {
        Endpoint sender = fromA ? a : b;
        Endpoint receiver = fromA ? b : a;
        endNs = ts;
        boolean syn = s.syn();
        boolean ack = s.ackFlag();
        boolean fin = s.fin();
        boolean rst = s.rst();
        int payload = s.payloadLength();

        sender.packets++;
        sender.payloadBytes += payload;
        if (syn) {
            if (ack) {
                sender.synAckPackets++;
            } else {
                sender.synPackets++;
            }
            if (s.mss() != TcpSegment.ABSENT) {
                sender.mss = s.mss();
            }
            if (s.windowScale() != TcpSegment.ABSENT) {
                sender.windowScale = s.windowScale();
            }
            sender.sackPermitted |= s.sackPermitted();
            sender.timestamps |= s.hasTimestamps();
        }
        // base sequence numbers as Wireshark sets them (tcp_analyze_sequence_number): the first
        // segment of a direction gives its own (ISN, or seq - 1 without SYN); the first ACK also
        // gives the peer's (ack - 1) if the peer has sent nothing yet
        if (!sender.baseSeqSet) {
            sender.baseSeqSet = true;
            sender.baseSeq = syn ? s.seq() : s.seq() - 1;
        }
        if (ack && !receiver.baseSeqSet) {
            receiver.baseSeqSet = true;
            receiver.baseSeq = s.ack() - 1;
        }

        trackCompleteness(syn, ack, fin, rst, payload);
        lastAnomalies = analysis.onSegment(fromA, s, ts);
        zeek.onSegment(fromA, s, ts);
        trackSender(sender, receiver, s, syn, rst, payload, ts);
        if (ack && receiver.timing && SeqNum.geq(s.ack(), receiver.timedSeqEnd)) {
            long rtt = Saturating.between(receiver.timedSentNs, ts);
            receiver.timing = false;
            receiver.rttSamples++;
            receiver.rttSumNs = Saturating.plus(receiver.rttSumNs, rtt);
            receiver.rttMinNs = Math.min(receiver.rttMinNs, rtt);
            receiver.rttMaxNs = Math.max(receiver.rttMaxNs, rtt);
        }
        Handshake.Event hsEvent = handshake.onSegment(sender, s, ts);
        boolean completesHandshake = hsEvent == Handshake.Event.COMPLETING_ACK;

        // RFC 9293 §3.6: a FIN is acknowledged once the peer's ACK covers the FIN's sequence number
        boolean acksPeerFin = ack && receiver.finSent && !receiver.finAcked
                && SeqNum.geq(s.ack(), receiver.finSeq + 1);
        boolean firstFin = fin && !sender.finSent;
        boolean crossingFin = firstFin && receiver.finSent && !receiver.finAcked && !acksPeerFin;
        if (crossingFin) {
            simultaneousClose = true; // this FIN was sent before the peer's FIN arrived
        }

        TcpStateMachine.onSegment(sender, receiver, syn, ack, fin, rst, acksPeerFin, firstFin, crossingFin);

        switch (hsEvent) {
            case FIRST_SYN -> addStep(ts, sender, Step.SYN, s, receiver);
            case FIRST_VALID_SYN_ACK -> addStep(ts, sender, Step.SYN_ACK, s, receiver);
            case FIRST_SYN_ACK_UNVALIDATED -> addStep(ts, sender, Step.SYN_ACK_UNVALIDATED, s, receiver);
            case COMPLETING_ACK -> addStep(ts, sender, Step.HANDSHAKE_ACK, s, receiver);
            default -> { }
        }
        if (payload > 0) {
            sender.dataPackets++;
            if (sender.payloadBytes == payload) {
                sender.firstDataNs = ts;
                addStep(ts, sender, Step.FIRST_DATA, s, receiver);
            }
            lastDataNs = ts;
            if (receiver.finSent && !sender.finSent) {
                sender.sentDataAfterPeerFin = true; // half-close: the peer only shut down its sending side
            }
        }
        if (acksPeerFin) {
            receiver.finAcked = true;
            receiver.finAckedNs = ts;
            addStep(ts, sender, Step.FIN_ACKED, s, receiver);
        }
        if (fin) {
            sender.finPackets++;
            if (firstFin) {
                sender.finSent = true;
                sender.finSeq = s.seq() + payload + (syn ? 1 : 0);
                sender.finNs = ts;
                addStep(ts, sender, Step.FIN, s, receiver);
            }
        }
        if (rst) {
            sender.rstPackets++;
            if (sender.rstPackets == 1) {
                sender.rstNs = ts;
                addStep(ts, sender, Step.RST, s, receiver);
            }
            if (firstResetter == null) {
                firstResetter = sender;
            }
        }
        if ((fin || rst) && firstCloser == null) {
            firstCloser = sender;
            firstCloseKind = rst ? CloseKind.RST : CloseKind.FIN;
        }

        if (syn || completesHandshake) {
            return Phase.HANDSHAKE;
        }
        if (fin || rst || (payload == 0 && (a.finSent || b.finSent))) {
            return Phase.CLOSE;
        }
        return Phase.DATA;
    }

    /** Per-sender measurements: sequence space covered, RTT timing, window, segment sizes. */
    private static void trackSender(Endpoint sender, Endpoint receiver, TcpSegment s, boolean syn, boolean rst,
                                    int payload, long ts) {
        int seqStart = s.seq() + (syn ? 1 : 0);
        int seqEnd = seqStart + payload;
        if (!sender.dataSeqSet && (syn || payload > 0)) {
            sender.dataSeqSet = true;
            sender.dataStart = seqStart;
            sender.maxSeqEnd = seqStart;
        }
        if (payload > 0) {
            boolean retransmitted = SeqNum.lt(seqStart, sender.maxSeqEnd);
            if (retransmitted) {
                if (sender.timing && SeqNum.lt(seqStart, sender.timedSeqEnd)) {
                    sender.timing = false;      // Karn: an ACK could be for either copy
                }
            } else if (!sender.timing) {
                sender.timing = true;
                sender.timedSeqEnd = seqEnd;
                sender.timedSentNs = ts;
            }
            if (SeqNum.gt(seqEnd, sender.maxSeqEnd)) {
                sender.maxSeqEnd = seqEnd;
            }
            if (receiver.mss > 0 && payload > receiver.mss) {
                sender.oversizeSegments++;
            }
        }
        if (s.checksumStatus() == TcpSegment.CHECKSUM_BAD) {
            sender.badChecksums++;
        }
        if (s.nonsense()) {
            sender.malformedSegments++;
        }
        if (!rst) {
            int w = s.window();
            sender.lastWindow = w;
            sender.lastWindowInSyn = syn;
            if (w == 0 && !syn) {
                if (!sender.inZeroWindow) {
                    sender.inZeroWindow = true;
                    sender.zeroWindowSinceNs = ts;
                    sender.zeroWindowEpisodes++;
                }
            } else if (sender.inZeroWindow) {
                sender.zeroWindowTotalNs = Saturating.plus(sender.zeroWindowTotalNs,
                        Saturating.between(sender.zeroWindowSinceNs, ts));
                sender.inZeroWindow = false;
            }
        }
    }

    /** what an endpoint sent and measured, for the record */
    private SessionRecord.EndpointInfo endpointInfo(Endpoint e, Endpoint peer) {
        long scaled = -1;
        if (e.lastWindow >= 0) {
            boolean scaling = e.windowScale >= 0 && peer.windowScale >= 0 && !e.lastWindowInSyn;
            scaled = scaling ? (long) e.lastWindow << Math.min(e.windowScale, 14) : e.lastWindow; // RFC 7323 §2.3: at most 14
        }
        long zeroWindowNs = e.inZeroWindow
                ? Saturating.plus(e.zeroWindowTotalNs, Saturating.between(e.zeroWindowSinceNs, endNs))
                : e.zeroWindowTotalNs;
        return new SessionRecord.EndpointInfo(
                e.mss, e.windowScale, e.sackPermitted, e.timestamps,
                scaled, e.dataSeqSet ? SeqNum.relative(e.maxSeqEnd, e.dataStart) : 0,
                e.dataPackets,
                e.rttSamples, e.rttSamples > 0 ? e.rttMinNs : null,
                e.rttSamples > 0 ? meanRtt(e) : null, e.rttSamples > 0 ? e.rttMaxNs : null,
                e.zeroWindowEpisodes, zeroWindowNs, e.oversizeSegments, e.badChecksums, e.malformedSegments,
                e.state);
    }

    /**
     * sum / samples; when the sum was clamped (samples adding up beyond ±292 years) the quotient can
     * fall outside the samples' range, so it is held within [min, max]
     */
    private static long meanRtt(Endpoint e) {
        return Math.max(e.rttMinNs, Math.min(e.rttMaxNs, e.rttSumNs / e.rttSamples));
    }

    /**
     * Wireshark 4.0 {@code dissect_tcp()}: the packet that creates the conversation adds SYN (and DATA
     * when that SYN carries payload); every packet adds SYN-ACK, ACK or DATA (ACK without SYN, with or
     * without payload), FIN (FIN with ACK) and RST. tshark's two-pass output shows the first packet's
     * own bits too, except in a one-packet stream (tools/tshark-fixtures/WIRESHARK-RULES.md (c)).
     */
    private void trackCompleteness(boolean syn, boolean ack, boolean fin, boolean rst, int payload) {
        if (packets++ == 0 && syn && !ack) {
            creatorBits = 1 | (payload > 0 ? 8 : 0);
        }
        int bits = 0;
        if (syn && ack) {
            bits |= 2;
        }
        if (ack && !syn) {
            bits |= payload > 0 ? 8 : 4;
        }
        if (fin && ack) {
            bits |= 16;
        }
        if (rst) {
            bits |= 32;
        }
        packetBits |= bits;
    }


    /** Wireshark's {@code tcp.completeness} for this session, as tshark -2 shows it on the last packet. */
    int completeness() {
        return packets <= 1 ? creatorBits : creatorBits | packetBits;
    }

    private void addStep(long ts, Endpoint sender, Step step, TcpSegment s, Endpoint receiver) {
        if (steps.size() < MAX_TIMELINE) {
            steps.add(new PendingStep(ts, sender, step, sender.state, receiver.state,
                    sender.relativeSeq(s.seq()), s.ackFlag() ? receiver.relativeSeq(s.ack()) : 0,
                    s.payloadLength()));
        }
    }

    /** The {@link Anomaly} bits of the packet just applied (for per-packet views). */
    public int lastAnomalies() {
        return lastAnomalies;
    }

    /** Relative sequence number of a segment sent by a ({@code fromA}) or b. */
    public long relativeSeq(boolean fromA, int seq) {
        return (fromA ? a : b).relativeSeq(seq);
    }

    /** Relative acknowledgment number of a segment sent by a ({@code fromA}) or b. */
    public long relativeAck(boolean fromA, int ack) {
        return (fromA ? b : a).relativeSeq(ack);
    }

    /** The client by the rules of DESIGN §2 (see the README, "Who is the client"). */
    public Endpoint client() {
        if (handshake.synSender != null) {
            return handshake.synSender;
        }
        if (handshake.firstSynAckSender != null) {
            return handshake.firstSynAckSender == a ? b : a;
        }
        // inferred: the first packet's sender, unless only the sender's port is a likely server port
        return ServerPorts.likely(a.port) && !ServerPorts.likely(b.port) ? b : a;
    }

    ClientBasis clientBasis() {
        if (handshake.synSender != null) {
            return ClientBasis.SYN;
        }
        return handshake.firstSynAckSender != null ? ClientBasis.SYNACK : ClientBasis.INFERRED;
    }

    SessionRecord toRecord(EndReason trigger) {
        Endpoint client = client();
        Endpoint server = client == a ? b : a;
        HandshakeStatus status = handshake.status(client, server);
        Long rtt = opt(handshake.initialRttSet, handshake.initialRttNs);
        SessionRecord.HandshakeInfo hs = new SessionRecord.HandshakeInfo(status,
                opt(handshake.synSender != null, handshake.synNs),
                handshake.synAckValid ? Long.valueOf(handshake.synAckNs)
                        : opt(handshake.firstSynAckSender != null, handshake.firstSynAckNs),
                opt(handshake.complete, handshake.ackNs),
                rtt, handshake.synRetries, handshake.simultaneousOpen);
        SessionRecord.CloseInfo close = new SessionRecord.CloseInfo(
                roleOf(firstCloser, client), firstCloseKind,
                client.finAcked && server.finAcked,
                client.sentDataAfterPeerFin || server.sentDataAfterPeerFin,
                simultaneousClose,
                roleOf(firstResetter, client),
                opt(client.finSent, client.finNs),
                opt(server.finSent, server.finNs),
                opt(firstResetter != null, firstResetter != null ? firstResetter.rstNs : 0));
        SessionRecord.DataInfo data = new SessionRecord.DataInfo(client.dataPackets, server.dataPackets,
                opt(client.payloadBytes > 0, client.firstDataNs),
                opt(server.payloadBytes > 0, server.firstDataNs),
                opt(client.payloadBytes + server.payloadBytes > 0, lastDataNs));
        List<TimelineEvent> timeline = new ArrayList<>(steps.size());
        for (PendingStep p : steps) {
            timeline.add(new TimelineEvent(p.ts, roleOf(p.sender, client), p.step, p.senderState,
                    p.receiverState, p.relSeq, p.relAck, p.length));
        }
        boolean clientIsA = client == a;
        SessionRecord.ZeekInfo zeekInfo = new SessionRecord.ZeekInfo(zeek.connState(), zeek.history(),
                zeek.originatorIsA() == clientIsA ? Role.CLIENT : Role.SERVER);
        SessionRecord.Anomalies anomalies = new SessionRecord.Anomalies(
                anomalyCounts(clientIsA), anomalyCounts(!clientIsA));
        EndReason reason = firstResetter != null ? EndReason.RESET
                : client.finAcked && server.finAcked ? EndReason.CLOSED : trigger;
        return new SessionRecord(id, ipVersion,
                PacketDecoder.formatAddress(ipVersion, client.addrHi, client.addrLo), client.port,
                PacketDecoder.formatAddress(ipVersion, server.addrHi, server.addrLo), server.port,
                clientBasis(), startNs, endNs,
                client.packets, server.packets, client.payloadBytes, server.payloadBytes,
                client.synPackets + server.synPackets, client.synAckPackets + server.synAckPackets,
                client.finPackets, server.finPackets, client.rstPackets, server.rstPackets,
                hs, close, data, client.state, server.state, reason, zeekInfo, anomalies, completeness(),
                fragmentsDropped,
                endpointInfo(client, server), endpointInfo(server, client), List.copyOf(timeline));
    }

    private java.util.Map<Anomaly, Long> anomalyCounts(boolean fromA) {
        java.util.EnumMap<Anomaly, Long> m = new java.util.EnumMap<>(Anomaly.class);
        for (Anomaly an : Anomaly.values()) {
            long n = analysis.count(fromA, an);
            if (n > 0) {
                m.put(an, n);
            }
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** a nullable time: present only when {@code known} */
    private static Long opt(boolean known, long value) {
        return known ? Long.valueOf(value) : null;
    }

    private static Role roleOf(Endpoint e, Endpoint client) {
        if (e == null) {
            return null;
        }
        return e == client ? Role.CLIENT : Role.SERVER;
    }
}
