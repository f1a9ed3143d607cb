package io.tcplens.analyzer.session;

import io.tcplens.analyzer.decode.TcpSegment;

/**
 * The three-way handshake of RFC 9293 §3.5, checked by numbers, not by flags alone: the SYN-ACK
 * must acknowledge the SYN's ISN+1 and the final ACK the SYN-ACK's ISN+1 (plus any payload the SYN
 * or SYN-ACK carried, as with TCP Fast Open, RFC 7413). Repeated SYNs with the same ISN are
 * retries; a RST answering the SYN (§3.10.7.1) means the port is closed.
 */
final class Handshake {

    Endpoint synSender;          // the client by the SYN rule
    int clientIsn;
    int synLength;               // payload carried by the SYN
    long synNs;
    int synRetries;
    boolean simultaneousOpen;

    Endpoint firstSynAckSender;  // whoever sent the first SYN-ACK, valid or not
    long firstSynAckNs;
    boolean synAckValid;
    int serverIsn;
    int synAckLength;
    long synAckNs;
    int otherServerIsn;          // a second, different valid SYN-ACK (e.g. an injected one)
    boolean hasOtherServerIsn;

    boolean complete;
    long ackNs;

    // Wireshark's iRTT (tcp.analysis.initial_rtt): from the most recent SYN without ACK to the
    // first later segment with ACK and without SYN, from either side, numbers not checked.
    private boolean sawPureSyn;
    private long mostRecentSynNs;
    boolean initialRttSet;
    long initialRttNs;
    boolean refused;
    long refusedNs;

    /** What a segment meant to the handshake. */
    enum Event { NONE, FIRST_SYN, SYN_RETRY, FIRST_VALID_SYN_ACK, FIRST_SYN_ACK_UNVALIDATED, COMPLETING_ACK, REFUSING_RST }

    /** Feeds one segment and says what it meant to the handshake. */
    Event onSegment(Endpoint sender, TcpSegment s, long ts) {
        boolean syn = s.syn();
        boolean ack = s.ackFlag();
        if (syn && !ack) {
            sawPureSyn = true;
            mostRecentSynNs = ts;
        } else if (!syn && ack && sawPureSyn && !initialRttSet && ts != mostRecentSynNs) {
            initialRttSet = true;           // a zero delta stays unset, as in Wireshark
            initialRttNs = Saturating.between(mostRecentSynNs, ts);
        }
        if (syn && !ack) {
            if (synSender == null) {
                synSender = sender;
                clientIsn = s.seq();
                synLength = s.payloadLength();
                synNs = ts;
                return Event.FIRST_SYN;
            }
            if (sender == synSender) {
                synRetries++; // same ISN: a different one starts a new session before reaching here
                return Event.SYN_RETRY;
            }
            simultaneousOpen = true;
            return Event.NONE;
        }
        if (syn) {
            boolean first = firstSynAckSender == null;
            if (first) {
                firstSynAckSender = sender;
                firstSynAckNs = ts;
            }
            if (synSender != null && sender != synSender && acknowledgesSyn(s.ack())) {
                if (!synAckValid) {
                    synAckValid = true;
                    serverIsn = s.seq();
                    synAckLength = s.payloadLength();
                    synAckNs = ts;
                    return Event.FIRST_VALID_SYN_ACK;
                }
                if (s.seq() != serverIsn && !hasOtherServerIsn) {
                    hasOtherServerIsn = true;
                    otherServerIsn = s.seq();
                }
            }
            return first && !synAckValid ? Event.FIRST_SYN_ACK_UNVALIDATED : Event.NONE;
        }
        if (s.rst()) {
            if (synSender != null && sender != synSender && !synAckValid && !complete && !refused
                    && (!ack || acknowledgesSyn(s.ack()))) {
                refused = true;
                refusedNs = ts;
                return Event.REFUSING_RST;
            }
            return Event.NONE;
        }
        if (ack && synAckValid && !complete && sender == synSender && acknowledgesSynAck(s.ack())) {
            complete = true;
            ackNs = ts;
            return Event.COMPLETING_ACK;
        }
        return Event.NONE;
    }

    private boolean acknowledgesSyn(int ackNo) {
        return SeqNum.between(clientIsn + 1, ackNo, clientIsn + 1 + synLength);
    }

    private boolean acknowledgesSynAck(int ackNo) {
        if (SeqNum.between(serverIsn + 1, ackNo, serverIsn + 1 + synAckLength)) {
            return true;
        }
        return hasOtherServerIsn && SeqNum.between(otherServerIsn + 1, ackNo, otherServerIsn + 1 + synAckLength);
    }

    HandshakeStatus status(Endpoint client, Endpoint server) {
        if (synSender == null) {
            return HandshakeStatus.NOT_SEEN;
        }
        if (complete) {
            return HandshakeStatus.COMPLETE;
        }
        if (refused) {
            return HandshakeStatus.REFUSED;
        }
        if (server.packets == 0 && client.packets == client.synPackets) {
            return HandshakeStatus.NO_ANSWER;
        }
        return HandshakeStatus.PARTIAL;
    }
}
