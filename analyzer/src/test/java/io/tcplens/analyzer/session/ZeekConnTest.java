package io.tcplens.analyzer.session;

import org.junit.jupiter.api.Test;

import static io.tcplens.analyzer.session.Trace.c2s;
import static io.tcplens.analyzer.session.Trace.s2c;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Zeek's conn_state and history for crafted sessions; expected values follow conn_state() in
 * scripts/base/protocols/conn/main.zeek, the Info$history documentation there, and
 * update_history / UpdateStateMachine in src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc.
 */
class ZeekConnTest {

    static final long C = 1000;
    static final long S = 5000;

    private static Trace handshake() {
        return new Trace()
                .at(0, c2s().syn().seq(C).window(100))
                .at(1, s2c().syn().seq(S).ack(C + 1).window(100))
                .at(2, c2s().seq(C + 1).ack(S + 1).window(100));
    }

    private static void check(SessionRecord r, String state, String history) {
        assertEquals(state, r.zeek().connState(), "conn_state");
        assertEquals(history, r.zeek().history(), "history");
    }

    @Test
    void s0AttemptWithoutReply() {
        SessionRecord r = new Trace().at(0, c2s().syn().seq(C).window(100)).only();
        check(r, "S0", "S");
        assertEquals(Role.CLIENT, r.zeek().originator());
    }

    @Test
    void synRetransmissionsWithTheSameSeqAddNoLetter() {
        check(new Trace()
                .at(0, c2s().syn().seq(C).window(100))
                .at(1000, c2s().syn().seq(C).window(100))
                .only(), "S0", "S");
    }

    @Test
    void s1EstablishedNotTerminated() {
        check(handshake()
                .at(3, c2s().seq(C + 1).ack(S + 1).payload(10).window(100))
                .at(4, s2c().seq(S + 1).ack(C + 11).payload(20).window(100))
                .only(), "S1", "ShADd"); // no pure ACK from the responder: no 'a'
    }

    @Test
    void sfNormalEstablishmentAndTermination() {
        check(handshake()
                .at(3, c2s().seq(C + 1).ack(S + 1).payload(10).window(100))
                .at(4, s2c().seq(S + 1).ack(C + 11).payload(20).window(100))
                .at(5, c2s().fin().seq(C + 11).ack(S + 21).window(100))
                .at(6, s2c().fin().seq(S + 21).ack(C + 12).window(100))
                .at(7, c2s().seq(C + 12).ack(S + 22).window(100))
                .only(), "SF", "ShADdFf");
    }

    @Test
    void rejSynAnsweredByRst() {
        check(new Trace()
                .at(0, c2s().syn().seq(C).window(100))
                .at(1, s2c().rst().seq(0).ack(C + 1))
                .only(), "REJ", "Sr");
    }

    @Test
    void s2OriginatorClosedNoReply() {
        check(handshake()
                .at(3, c2s().fin().seq(C + 1).ack(S + 1).window(100))
                .only(), "S2", "ShAF");
    }

    @Test
    void s3ResponderClosedNoReply() {
        check(handshake()
                .at(3, s2c().fin().seq(S + 1).ack(C + 1).window(100))
                .only(), "S3", "ShAf");
    }

    @Test
    void rstoOriginatorAborts() {
        check(handshake()
                .at(3, c2s().rst().seq(C + 1).ack(S + 1))
                .only(), "RSTO", "ShAR");
    }

    @Test
    void rstrResponderAborts() {
        check(handshake()
                .at(3, s2c().rst().seq(S + 1).ack(C + 1))
                .only(), "RSTR", "ShAr");
    }

    @Test
    void rstos0SynThenRstFromTheOriginator() {
        check(new Trace()
                .at(0, c2s().syn().seq(C).window(100))
                .at(1, c2s().rst().seq(C + 1))
                .only(), "RSTOS0", "SR");
    }

    @Test
    void rstrhSynAckThenRstFromTheResponderNoSyn() {
        // first packet a SYN-ACK from port 80 to a high port: Zeek flips (WantConnection), '^' first
        SessionRecord r = new Trace()
                .at(0, s2c().syn().seq(S).ack(C + 1).window(100))
                .at(1, s2c().rst().seq(S + 1))
                .only();
        check(r, "RSTRH", "^hr");
        assertEquals(Role.CLIENT, r.zeek().originator());
    }

    @Test
    void shSynThenFinNoSynAck() {
        check(new Trace()
                .at(0, c2s().syn().seq(C).window(100))
                .at(1, c2s().fin().seq(C + 1).window(100))
                .only(), "SH", "SF");
    }

    @Test
    void shrSynAckThenFinFromTheResponder() {
        check(new Trace()
                .at(0, s2c().syn().seq(S).ack(C + 1).window(100))
                .at(1, s2c().fin().seq(S + 1).ack(C + 1).window(100))
                .only(), "SHR", "^hf");
    }

    @Test
    void othMidstream() {
        SessionRecord r = new Trace()
                .at(0, c2s().seq(C).ack(S).payload(10).window(100))
                .at(1, s2c().seq(S).ack(C + 10).window(100))
                .only();
        check(r, "OTH", "Da");
    }

    @Test
    void midstreamFromTheServerPortIsFlipped() {
        SessionRecord r = new Trace()
                .at(0, s2c().seq(S).ack(C).payload(10).window(100))
                .only();
        check(r, "OTH", "^d");
        assertEquals(Role.CLIENT, r.zeek().originator());
    }

    @Test
    void synSynAckReversalFlipsInTheStateMachine() {
        // the SYN-ACK is captured before the SYN; port 80 -> 40000 is flipped at once by the port
        // heuristic, so use two high ports where only the state machine's reversal rule flips
        SessionRecord r = new Trace()
                .at(0, io.tcplens.analyzer.testing.Frames.tcp("10.0.0.2", 50000, "10.0.0.1", 40000)
                        .syn().seq(S).ack(C + 1).window(100))
                .at(1, io.tcplens.analyzer.testing.Frames.tcp("10.0.0.1", 40000, "10.0.0.2", 50000)
                        .syn().seq(C).window(100))
                .at(2, io.tcplens.analyzer.testing.Frames.tcp("10.0.0.1", 40000, "10.0.0.2", 50000)
                        .seq(C + 1).ack(S + 1).window(100))
                .only();
        // 'H' is recorded while the SYN-ACK sender is the originator; the SYN's letter is added
        // (update_history) before the state machine flips, so it is 's', then '^', then 'A'
        check(r, "S1", "Hs^A");
        assertEquals("10.0.0.1", r.zeek().originator() == Role.CLIENT ? r.clientAddr() : r.serverAddr());
    }

    @Test
    void dataAndAckLettersOncePerDirection() {
        Trace t = handshake();
        for (int i = 0; i < 5; i++) {
            t.at(3 + i, c2s().seq(C + 1 + 10L * i).ack(S + 1).payload(10).window(100));
            t.at(3.5 + i, s2c().seq(S + 1).ack(C + 11 + 10L * i).window(100));
        }
        check(t.only(), "S1", "ShADa");
    }

    @Test
    void retransmissionsAreLogarithmic() {
        Trace t = handshake().at(3, c2s().seq(C + 1).ack(S + 1).payload(10).window(100));
        for (int i = 0; i < 9; i++) {
            t.at(4 + i, c2s().seq(C + 1).ack(S + 1).payload(10).window(100));
        }
        check(t.only(), "S1", "ShADT"); // 9 retransmissions: 'T' at the 1st, not yet the 10th
        Trace u = handshake().at(3, c2s().seq(C + 1).ack(S + 1).payload(10).window(100));
        for (int i = 0; i < 10; i++) {
            u.at(4 + i, c2s().seq(C + 1).ack(S + 1).payload(10).window(100));
        }
        check(u.only(), "S1", "ShADTT");
    }

    @Test
    void zeroWindowIsLowercaseFromTheResponder() {
        check(handshake()
                .at(3, c2s().seq(C + 1).ack(S + 1).payload(10).window(100))
                .at(4, s2c().seq(S + 1).ack(C + 11).window(0))
                .only(), "S1", "ShADaw");
    }

    @Test
    void contentGapWhenAckCoversUnseenData() {
        check(handshake()
                .at(3, c2s().seq(C + 1).ack(S + 1).payload(10).window(100))
                .at(4, c2s().seq(C + 21).ack(S + 1).payload(10).window(100))
                .at(5, s2c().seq(S + 1).ack(C + 31).window(100))
                .only(), "S1", "ShADaG");
    }

    @Test
    void finWithANewSequenceNumberIsRecordedAgain() {
        check(handshake()
                .at(3, c2s().fin().seq(C + 1).ack(S + 1).window(100))
                .at(4, c2s().fin().seq(C + 1).ack(S + 1).window(100))
                .at(5, c2s().fin().seq(C + 11).ack(S + 1).window(100))
                .only(), "S2", "ShAFF");
    }

    @Test
    void multiFlagAndInconsistentPackets() {
        check(handshake()
                .at(3, c2s().syn().fin().seq(C + 1).ack(S + 1).window(100))
                .at(4, s2c().fin().rst().seq(S + 1).ack(C + 1).window(100))
                .only(), "RSTR", "ShAQi");
    }
}
