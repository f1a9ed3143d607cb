package io.tcplens.analyzer.session;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tcplens.analyzer.session.Trace.c2s;
import static io.tcplens.analyzer.session.Trace.s2c;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session engine, fed packet traces built byte by byte; expected values worked out by hand. */
class SessionTrackerTest {

    private static final long ISN_C = 1000;
    private static final long ISN_S = 5000;

    /** SYN, SYN-ACK, ACK at 0, 1 and 3 ms */
    private static Trace handshake() {
        return new Trace()
                .at(0, c2s().syn().seq(ISN_C).mss(1460).windowScale(7).sackPermitted())
                .at(1, s2c().syn().seq(ISN_S).ack(ISN_C + 1).mss(1400))
                .at(3, c2s().seq(ISN_C + 1).ack(ISN_S + 1));
    }

    @Test
    void clientClosesFirstWithFourSegments() {
        SessionRecord r = handshake()
                .at(4, c2s().psh().seq(ISN_C + 1).ack(ISN_S + 1).payload(100))
                .at(5, s2c().psh().seq(ISN_S + 1).ack(ISN_C + 101).payload(300))
                .at(6, c2s().fin().seq(ISN_C + 101).ack(ISN_S + 301))
                .at(7, s2c().seq(ISN_S + 301).ack(ISN_C + 102))
                .at(8, s2c().fin().seq(ISN_S + 301).ack(ISN_C + 102))
                .at(9, c2s().seq(ISN_C + 102).ack(ISN_S + 302))
                .only();
        assertEquals(0, r.id());
        assertEquals("10.0.0.1", r.clientAddr());
        assertEquals(40000, r.clientPort());
        assertEquals("10.0.0.2", r.serverAddr());
        assertEquals(80, r.serverPort());
        assertEquals(ClientBasis.SYN, r.clientBasis());
        assertEquals(HandshakeStatus.COMPLETE, r.handshake().status());
        assertEquals(0L, r.handshake().synNs());
        assertEquals(1_000_000L, r.handshake().synackNs());
        assertEquals(3_000_000L, r.handshake().ackNs());
        assertEquals(3_000_000L, r.handshake().rttNs());
        assertEquals(5, r.packetsC2s());
        assertEquals(4, r.packetsS2c());
        assertEquals(100, r.bytesC2s());
        assertEquals(300, r.bytesS2c());
        assertEquals(1, r.synPackets());
        assertEquals(1, r.synackPackets());
        assertEquals(1, r.finC2s());
        assertEquals(1, r.finS2c());
        assertEquals(Role.CLIENT, r.close().initiator());
        assertEquals(CloseKind.FIN, r.close().kind());
        assertTrue(r.close().complete());
        assertFalse(r.close().halfClose());
        assertFalse(r.close().simultaneous());
        assertEquals(TcpState.TIME_WAIT, r.clientState());
        assertEquals(TcpState.CLOSED, r.serverState());
        assertEquals(Outcome.CLOSED, r.outcome());
        assertEquals(EndReason.CLOSED, r.endReason());
        assertEquals(0L, r.startNs());
        assertEquals(9_000_000L, r.endNs());
    }

    @Test
    void timelineFollowsTheSocketStates() {
        SessionRecord r = handshake()
                .at(6, s2c().fin().seq(ISN_S + 1).ack(ISN_C + 1))
                .at(7, c2s().fin().seq(ISN_C + 1).ack(ISN_S + 2))
                .at(8, s2c().seq(ISN_S + 2).ack(ISN_C + 2))
                .only();
        List<TimelineEvent> t = r.timeline();
        assertEquals(List.of(Step.SYN, Step.SYN_ACK, Step.HANDSHAKE_ACK, Step.FIN, Step.FIN_ACKED, Step.FIN,
                Step.FIN_ACKED), t.stream().map(TimelineEvent::step).toList());
        assertEquals(TcpState.SYN_SENT, t.get(0).senderState());
        assertEquals(TcpState.LISTEN, t.get(0).receiverState());
        assertEquals(TcpState.SYN_RECEIVED, t.get(1).senderState());
        assertEquals(TcpState.ESTABLISHED, t.get(1).receiverState());   // connect() returns
        assertEquals(TcpState.ESTABLISHED, t.get(2).receiverState());   // accept() returns
        assertEquals(Role.SERVER, t.get(3).from());
        assertEquals(TcpState.FIN_WAIT_1, t.get(3).senderState());
        assertEquals(TcpState.CLOSE_WAIT, t.get(3).receiverState());
        // the client's FIN,ACK acknowledges the server's FIN and sends its own: server FIN_WAIT_2 → TIME_WAIT
        assertEquals(TcpState.LAST_ACK, t.get(5).senderState());
        assertEquals(TcpState.TIME_WAIT, t.get(5).receiverState());
        assertEquals(TcpState.CLOSED, t.get(6).receiverState());
        assertEquals(Role.SERVER, r.close().initiator());
        assertEquals(TcpState.TIME_WAIT, r.serverState());
        assertEquals(TcpState.CLOSED, r.clientState());
        assertEquals(1, t.get(4).relSeq());   // the client's FIN,ACK: relative seq 1, ack 2
        assertEquals(2, t.get(4).relAck());
    }

    @Test
    void synAnsweredByRstIsRefused() {
        SessionRecord r = new Trace()
                .at(0, c2s().syn().seq(ISN_C))
                .at(0.2, s2c().rst().seq(0).ack(ISN_C + 1))
                .only();
        assertEquals(HandshakeStatus.REFUSED, r.handshake().status());
        assertEquals(Outcome.REFUSED, r.outcome());
        assertEquals(Role.SERVER, r.close().initiator());
        assertEquals(CloseKind.RST, r.close().kind());
        assertEquals(1, r.rstS2c());
        // Wireshark's iRTT ends at the first ACK-bearing segment without SYN: here the RST,ACK
        assertEquals(200_000L, r.handshake().rttNs());
        assertNull(r.handshake().ackNs());
        assertEquals(TcpState.CLOSED, r.clientState());
    }

    @Test
    void rstThatDoesNotAcknowledgeTheSynIsNotARefusal() {
        SessionRecord r = new Trace()
                .at(0, c2s().syn().seq(ISN_C))
                .at(0.2, s2c().rst().seq(0).ack(ISN_C + 77))
                .only();
        assertEquals(HandshakeStatus.PARTIAL, r.handshake().status());
    }

    @Test
    void unansweredSynsAreRetriesOfOneSession() {
        SessionRecord r = new Trace()
                .at(0, c2s().syn().seq(ISN_C))
                .at(1000, c2s().syn().seq(ISN_C))
                .at(3000, c2s().syn().seq(ISN_C))
                .only();
        assertEquals(HandshakeStatus.NO_ANSWER, r.handshake().status());
        assertEquals(2, r.handshake().synRetries());
        assertEquals(3, r.synPackets());
        assertEquals(3_000_000_000L, r.durationNs());
        assertEquals(Outcome.NO_ANSWER, r.outcome());
        assertEquals(CloseKind.NONE, r.close().kind());
    }

    @Test
    void synAckMustAcknowledgeTheIsnPlusOne() {
        SessionRecord r = new Trace()
                .at(0, c2s().syn().seq(ISN_C))
                .at(1, s2c().syn().seq(ISN_S).ack(ISN_C + 2))     // wrong: ISN+2
                .at(2, c2s().seq(ISN_C + 1).ack(ISN_S + 1))
                .only();
        assertEquals(HandshakeStatus.PARTIAL, r.handshake().status());
        assertNull(r.handshake().ackNs());
    }

    @Test
    void finalAckMustAcknowledgeTheSynAck() {
        SessionRecord r = new Trace()
                .at(0, c2s().syn().seq(ISN_C))
                .at(1, s2c().syn().seq(ISN_S).ack(ISN_C + 1))
                .at(2, c2s().seq(ISN_C + 1).ack(ISN_S))           // wrong: does not cover the SYN
                .only();
        assertEquals(HandshakeStatus.PARTIAL, r.handshake().status());
        assertEquals(1_000_000L, r.handshake().synackNs());
    }

    @Test
    void sequenceNumbersWrapModulo2To32() {
        long isnC = 0xFFFF_FFFFL;   // ISN+1 wraps to 0
        long isnS = 0xFFFF_FFF0L;
        SessionRecord r = new Trace()
                .at(0, c2s().syn().seq(isnC))
                .at(1, s2c().syn().seq(isnS).ack(0))
                .at(2, c2s().seq(0).ack(isnS + 1))
                .at(3, s2c().psh().seq(isnS + 1).ack(0).payload(100))   // crosses 2^32: ends at 0x54
                .at(4, s2c().fin().seq((isnS + 101) & 0xFFFF_FFFFL).ack(0))
                .at(5, c2s().fin().seq(0).ack((isnS + 102) & 0xFFFF_FFFFL))
                .at(6, s2c().seq((isnS + 102) & 0xFFFF_FFFFL).ack(1))
                .only();
        assertEquals(HandshakeStatus.COMPLETE, r.handshake().status());
        assertTrue(r.close().complete());
        assertEquals(Role.SERVER, r.close().initiator());
        assertEquals(100, r.bytesS2c());
    }

    @Test
    void newSynWithAnotherIsnStartsANewSessionButARetryDoesNot() {
        List<SessionRecord> all = handshake()
                .at(4, c2s().rst().seq(ISN_C + 1))
                .at(10, c2s().syn().seq(ISN_C))              // same ISN: a retransmission, same session
                .at(20, c2s().syn().seq(ISN_C + 99999))      // new ISN: port reuse
                .at(21, s2c().syn().seq(ISN_S).ack(ISN_C + 100000))
                .finish();
        assertEquals(2, all.size());
        assertEquals(2, all.get(0).synPackets());
        assertEquals(Outcome.RESET, all.get(0).outcome());
        assertEquals(1, all.get(1).id());
        assertEquals(20_000_000L, all.get(1).startNs());
        assertEquals(HandshakeStatus.PARTIAL, all.get(1).handshake().status());
        assertEquals(1, all.get(1).anomalies().c2s(Anomaly.REUSED_PORTS));   // Wireshark: "TCP port numbers reused"
        assertEquals(0, all.get(0).anomalies().c2s(Anomaly.REUSED_PORTS));
    }

    @Test
    void idleLongerThanTheTimeoutStartsANewSession() {
        long idle = 10_000_000_000L; // 10 s
        List<SessionRecord> all = new Trace(idle, 0)
                .at(0, c2s().psh().seq(1).ack(1).payload(10))
                .at(5_000, s2c().seq(1).ack(11))                      // 5 s later: same session
                .at(20_000, c2s().psh().seq(11).ack(1).payload(10))   // 15 s later: a new one
                .finish();
        assertEquals(2, all.size());
        assertEquals(EndReason.IDLE_TIMEOUT, all.get(0).endReason());
        assertEquals(2, all.get(0).packets());
        assertEquals(EndReason.CAPTURE_END, all.get(1).endReason());
    }

    @Test
    void endedSessionsLeaveTheTableAfterTheLinger() {
        Trace t = new Trace(300_000_000_000L, 1_000_000_000L);
        handshakeInto(t, c2s(), s2c(), 0);
        t.at(4, c2s().rst().seq(ISN_C + 1));
        assertEquals(1, t.analyzer.sessions().openSessions());
        // another connection 2 s later moves the clock past the 1 s linger
        t.at(2000, io.tcplens.analyzer.testing.Frames.tcp("10.0.0.3", 1234, "10.0.0.2", 80).syn().seq(7));
        assertEquals(1, t.sessions.size(), "the reset session was emitted at once");
        assertEquals(1, t.analyzer.sessions().openSessions());
    }

    private static void handshakeInto(Trace t, io.tcplens.analyzer.testing.Frames a,
                                      io.tcplens.analyzer.testing.Frames b, double ms) {
        t.at(ms, c2s().syn().seq(ISN_C))
                .at(ms + 1, s2c().syn().seq(ISN_S).ack(ISN_C + 1))
                .at(ms + 2, c2s().seq(ISN_C + 1).ack(ISN_S + 1));
    }

    @Test
    void simultaneousClose() {
        SessionRecord r = handshake()
                .at(5, c2s().fin().seq(ISN_C + 1).ack(ISN_S + 1))
                .at(5.1, s2c().fin().seq(ISN_S + 1).ack(ISN_C + 1))   // sent before the client's FIN arrived
                .at(6, c2s().seq(ISN_C + 2).ack(ISN_S + 2))
                .at(6.1, s2c().seq(ISN_S + 2).ack(ISN_C + 2))
                .only();
        assertTrue(r.close().simultaneous());
        assertTrue(r.close().complete());
        assertEquals(TcpState.TIME_WAIT, r.clientState());   // FIN_WAIT_1 → CLOSING → TIME_WAIT
        assertEquals(TcpState.TIME_WAIT, r.serverState());
    }

    @Test
    void dataAfterTheClientsFinIsAHalfClose() {
        SessionRecord r = handshake()
                .at(4, c2s().psh().seq(ISN_C + 1).ack(ISN_S + 1).payload(20))
                .at(5, c2s().fin().seq(ISN_C + 21).ack(ISN_S + 1))      // shutdown(SHUT_WR)
                .at(6, s2c().psh().seq(ISN_S + 1).ack(ISN_C + 22).payload(1000))
                .at(7, s2c().psh().seq(ISN_S + 1001).ack(ISN_C + 22).payload(1000))
                .at(8, c2s().seq(ISN_C + 22).ack(ISN_S + 2001))
                .at(9, s2c().fin().seq(ISN_S + 2001).ack(ISN_C + 22))
                .at(10, c2s().seq(ISN_C + 22).ack(ISN_S + 2002))
                .only();
        assertTrue(r.close().halfClose());
        assertTrue(r.close().complete());
        assertEquals(Role.CLIENT, r.close().initiator());
        assertEquals(2000, r.bytesS2c());
        assertEquals(2, r.data().dataPacketsS2c());
    }

    @Test
    void midstreamSessionIsInferredFromTheWellKnownPort() {
        SessionRecord r = new Trace()
                .at(0, s2c().psh().seq(500).ack(900).payload(50))   // first packet from port 80
                .at(1, c2s().seq(900).ack(550))
                .only();
        assertEquals(ClientBasis.INFERRED, r.clientBasis());
        assertEquals(40000, r.clientPort());
        assertEquals(HandshakeStatus.NOT_SEEN, r.handshake().status());
        assertEquals(TcpState.UNKNOWN, r.clientState());
        assertEquals(1, r.packetsC2s());
        assertEquals(50, r.bytesS2c());
    }

    @Test
    void midstreamSessionOnARegisteredServicePortAndOnTwoHighPorts() {
        SessionRecord https = new Trace()
                .at(0, io.tcplens.analyzer.testing.Frames.tcp("10.0.0.2", 8443, "10.0.0.1", 50000).seq(1).ack(1))
                .only();
        assertEquals(50000, https.clientPort());   // 8443 is a likely server port, 50000 is not
        SessionRecord high = new Trace()
                .at(0, io.tcplens.analyzer.testing.Frames.tcp("10.0.0.2", 40001, "10.0.0.1", 50000).seq(1).ack(1))
                .only();
        assertEquals(40001, high.clientPort());    // neither is: the first packet's sender
    }

    @Test
    void synAckWithoutSynMakesItsReceiverTheClient() {
        SessionRecord r = new Trace()
                .at(0, s2c().syn().seq(ISN_S).ack(ISN_C + 1))
                .at(1, c2s().seq(ISN_C + 1).ack(ISN_S + 1))
                .only();
        assertEquals(ClientBasis.SYNACK, r.clientBasis());
        assertEquals("10.0.0.1", r.clientAddr());
        assertEquals(HandshakeStatus.NOT_SEEN, r.handshake().status());
        assertEquals(1, r.synackPackets());
    }

    @Test
    void synWithDataIsAcknowledgedPastTheIsn() {
        // TCP Fast Open (RFC 7413): the SYN carries 30 bytes and the SYN-ACK acknowledges them
        SessionRecord r = new Trace()
                .at(0, c2s().syn().seq(ISN_C).payload(30))
                .at(1, s2c().syn().seq(ISN_S).ack(ISN_C + 31))
                .at(2, c2s().seq(ISN_C + 31).ack(ISN_S + 1))
                .only();
        assertEquals(HandshakeStatus.COMPLETE, r.handshake().status());
        assertEquals(30, r.bytesC2s());
    }

    @Test
    void bothDirectionsAndBothAddressFamiliesKeyCorrectly() {
        List<SessionRecord> all = new Trace()
                .at(0, c2s().syn().seq(1))
                .at(1, io.tcplens.analyzer.testing.Frames.tcp("2001:db8::1", 40000, "2001:db8::2", 80).syn().seq(1))
                .at(2, s2c().syn().seq(9).ack(2))
                .at(3, io.tcplens.analyzer.testing.Frames.tcp("2001:db8::2", 80, "2001:db8::1", 40000).syn().seq(9).ack(2))
                .finish();
        assertEquals(2, all.size());
        assertEquals(4, all.get(0).ipVersion());
        assertEquals(6, all.get(1).ipVersion());
        assertEquals("2001:db8::1", all.get(1).clientAddr());
        assertEquals(1, all.get(0).packetsS2c());
        assertEquals(1, all.get(1).packetsS2c());
    }

    @Test
    void manyInterleavedSessionsKeepTheirOwnCounts() {
        Trace t = new Trace();
        int n = 300;
        for (int i = 0; i < n; i++) {
            t.at(i, io.tcplens.analyzer.testing.Frames.tcp("10.1.0.1", 10000 + i, "10.2.0.1", 443).syn().seq(i));
        }
        for (int i = n - 1; i >= 0; i--) {
            t.at(1000 + i, io.tcplens.analyzer.testing.Frames.tcp("10.2.0.1", 443, "10.1.0.1", 10000 + i)
                    .syn().seq(50_000 + i).ack(i + 1));
        }
        List<SessionRecord> all = t.finish();
        assertEquals(n, all.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i, all.get(i).id());
            assertEquals(10000 + i, all.get(i).clientPort());
            assertEquals(1, all.get(i).packetsS2c());
            assertEquals(HandshakeStatus.PARTIAL, all.get(i).handshake().status());
        }
    }
}
