package io.tcplens.analyzer.session;

import org.junit.jupiter.api.Test;

import static io.tcplens.analyzer.session.Trace.c2s;
import static io.tcplens.analyzer.session.Trace.s2c;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Per-endpoint measurements, Wireshark completeness and the diagnosis; expected values by hand. */
class DeepAnalysisTest {

    private static final long C = 1000;
    private static final long S = 5000;

    private static Trace handshake() {
        return new Trace()
                .at(0, c2s().syn().seq(C).mss(1460).windowScale(7).sackPermitted().timestamps(1, 0).window(64240))
                .at(1, s2c().syn().seq(S).ack(C + 1).mss(1400).windowScale(2).window(65160))
                .at(2, c2s().seq(C + 1).ack(S + 1).window(502));
    }

    @Test
    void completenessFollowsWiresharksBits() {
        // SYN 1 | SYN-ACK 2 | ACK 4 | DATA 8 | FIN 16
        SessionRecord full = handshake()
                .at(3, c2s().psh().seq(C + 1).ack(S + 1).payload(10))
                .at(4, c2s().fin().seq(C + 11).ack(S + 1))
                .at(5, s2c().fin().seq(S + 1).ack(C + 12))
                .at(6, c2s().seq(C + 12).ack(S + 2))
                .only();
        assertEquals(31, full.completeness());
        // SYN answered by RST,ACK: 1 | 4 (ACK without SYN) | 32 = 37, as tshark shows for sample-pcaps/refused.pcap
        SessionRecord refused = new Trace().at(0, c2s().syn().seq(C)).at(1, s2c().rst().seq(0).ack(C + 1)).only();
        assertEquals(37, refused.completeness());
        // one packet: only what created the conversation
        assertEquals(1, new Trace().at(0, c2s().syn().seq(C)).only().completeness());
        assertEquals(0, new Trace().at(0, c2s().seq(C).ack(S)).only().completeness());
    }

    @Test
    void optionsWindowScalingAndUniqueBytes() {
        SessionRecord r = handshake()
                .at(3, c2s().psh().seq(C + 1).ack(S + 1).payload(100).window(501))
                .at(4, c2s().psh().seq(C + 1).ack(S + 1).payload(100).window(501))    // retransmitted
                .at(5, c2s().psh().seq(C + 101).ack(S + 1).payload(50).window(500))
                .only();
        SessionRecord.EndpointInfo client = r.clientInfo();
        assertEquals(1460, client.mss());
        assertEquals(7, client.windowScale());
        assertEquals(true, client.sackPermitted());
        assertEquals(true, client.timestamps());
        assertEquals(500L << 7, client.lastWindow());   // RFC 7323: both SYNs carried the option
        assertEquals(250, r.bytesC2s());                 // raw payload, retransmission counted again
        assertEquals(150, client.uniqueBytes());         // sequence space covered
        assertEquals(3, client.dataSegments());
        assertEquals(65160, r.serverInfo().lastWindow()); // the SYN-ACK's window is never scaled
    }

    @Test
    void rttSamplesSkipRetransmittedSegments() {
        SessionRecord r = handshake()
                .at(10, c2s().psh().seq(C + 1).ack(S + 1).payload(100))          // timed
                .at(14, s2c().seq(S + 1).ack(C + 101))                           // 4 ms sample
                .at(20, c2s().psh().seq(C + 101).ack(S + 1).payload(100))        // timed
                .at(25, c2s().psh().seq(C + 101).ack(S + 1).payload(100))        // retransmitted: Karn, no sample
                .at(30, s2c().seq(S + 1).ack(C + 201))
                .at(40, c2s().psh().seq(C + 201).ack(S + 1).payload(100))        // timed
                .at(42, s2c().seq(S + 1).ack(C + 301))                           // 2 ms sample
                .only();
        SessionRecord.EndpointInfo client = r.clientInfo();
        assertEquals(2, client.rttSamples());
        assertEquals(2_000_000L, client.rttMinNs());
        assertEquals(4_000_000L, client.rttMaxNs());
        assertEquals(3_000_000L, client.rttMeanNs());
        assertNull(r.serverInfo().rttMinNs());
    }

    @Test
    void zeroWindowHeldForHalfASecondIsAStalledReceiver() {
        SessionRecord r = handshake()
                .at(10, s2c().psh().seq(S + 1).ack(C + 1).payload(1000))
                .at(11, c2s().seq(C + 1).ack(S + 1001).window(0))
                .at(300, c2s().seq(C + 1).ack(S + 1001).window(0))
                .at(511, c2s().seq(C + 1).ack(S + 1001).window(200))
                .at(520, s2c().fin().seq(S + 1001).ack(C + 1))
                .only();
        assertEquals(1, r.clientInfo().zeroWindowEpisodes());
        assertEquals(500_000_000L, r.clientInfo().zeroWindowNs());
        assertEquals("receiver_stalled", r.diagnosis().code());
        assertEquals("receiver stalled: client advertised a zero window for 500 ms", r.diagnosis().text());
    }

    @Test
    void segmentsLongerThanThePeersMssAreFlagged() {
        SessionRecord r = handshake()
                .at(3, s2c().psh().seq(S + 1).ack(C + 1).payload(2920))   // the client announced MSS 1460
                .at(4, s2c().psh().seq(S + 2921).ack(C + 1).payload(1460))
                .only();
        assertEquals(1, r.serverInfo().oversizeSegments());
        assertEquals(0, r.clientInfo().oversizeSegments());
    }

    @Test
    void nonsenseSegmentsAreCountedAndDoNotDerailTheSession() {
        SessionRecord r = handshake()
                .at(3, c2s().flags(0).seq(C + 1))                                      // no flags ("null")
                .at(4, c2s().flags(0x03).seq(C))                                       // SYN+FIN with the ISN
                .at(5, c2s().psh().seq(C + 1).ack(S + 1).payload(10))                  // ordinary data
                .at(6, c2s().flags(0x40 | 0x80 | 0x10).seq(C + 11).ack(S + 1))        // ECE+CWR+ACK: legal
                .at(7, c2s().flags(0x3F).seq(C + 11).ack(S + 1))                      // FIN SYN RST PSH ACK URG
                .only();
        // a SYN with a new ISN would start a new session and a RST ends one - in tshark too - but
        // neither the null segment nor the SYN+FIN retry changes whose session the data belongs to
        assertEquals(3, r.clientInfo().malformedSegments());
        assertEquals(0, r.serverInfo().malformedSegments());
        assertEquals(7, r.packetsC2s());
        assertEquals(10, r.bytesC2s());
        assertEquals(HandshakeStatus.COMPLETE, r.handshake().status());
    }

    @Test
    void diagnosisNamesTheEvidence() {
        assertEquals(new Diagnosis("port_closed", "port closed: SYN answered by RST (nothing listens on 80)"),
                new Trace().at(0, c2s().syn().seq(C)).at(1, s2c().rst().seq(0).ack(C + 1)).only().diagnosis());
        assertEquals(new Diagnosis("no_answer", "no answer: 4 SYNs in 7.0 s, likely filtered"),
                new Trace().at(0, c2s().syn().seq(C)).at(1000, c2s().syn().seq(C)).at(3000, c2s().syn().seq(C))
                        .at(7000, c2s().syn().seq(C)).only().diagnosis());
        assertEquals(new Diagnosis("reset_by_server", "server reset the connection 2.1 s into the transfer"),
                handshake().at(10, c2s().psh().seq(C + 1).ack(S + 1).payload(10))
                        .at(2100, s2c().rst().seq(S + 1)).only().diagnosis());
        assertEquals(new Diagnosis("reset_by_client", "client reset the connection 500 ms after the server's FIN"),
                handshake().at(10, s2c().fin().seq(S + 1).ack(C + 1))
                        .at(510, c2s().rst().seq(C + 1)).only().diagnosis());
        assertEquals(new Diagnosis("midstream", "capture began mid-session: handshake not seen"),
                new Trace().at(0, c2s().psh().seq(7).ack(9).payload(5)).only().diagnosis());
        assertEquals("open", handshake().only().diagnosis().code());
        assertEquals(new Diagnosis("handshake_incomplete", "handshake incomplete: no SYN-ACK seen"),
                new Trace().at(0, c2s().syn().seq(C)).at(1, c2s().seq(C + 1).ack(S)).only().diagnosis());
    }
}
