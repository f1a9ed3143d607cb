package io.tcplens.analyzer.session;

import static io.tcplens.analyzer.session.TcpState.*;

/**
 * The RFC 9293 §3.3.2 state diagram, driven by what an observer sees: each segment moves its
 * sender (which just sent it) and its receiver (which is about to process it). The capture point
 * sits between the two, so "received" transitions are applied when the segment is seen.
 * All transitions live here and nowhere else.
 */
final class TcpStateMachine {

    private TcpStateMachine() {
    }

    /**
     * @param acksPeerFin  the segment acknowledges the receiver's FIN for the first time
     * @param firstFin     the segment carries the sender's first FIN
     * @param crossingFin  that FIN was sent before the peer's FIN arrived (simultaneous close)
     */
    static void onSegment(Endpoint sender, Endpoint receiver, boolean syn, boolean ack, boolean fin,
                          boolean rst, boolean acksPeerFin, boolean firstFin, boolean crossingFin) {
        if (rst) {
            // §3.10.7.4: a RST aborts the connection on both ends; §3.10.7.1 in SYN_SENT: refused
            sender.state = CLOSED;
            receiver.state = CLOSED;
            return;
        }
        if (syn && !ack) {
            // §3.5: connect() sends the SYN and enters SYN_SENT; the peer receives it in LISTEN
            if (sender.state == CLOSED || sender.state == LISTEN) {
                sender.state = SYN_SENT;
            }
            if (receiver.state == CLOSED) {
                receiver.state = LISTEN;
            } else if (receiver.state == SYN_SENT) {
                receiver.state = SYN_RECEIVED; // simultaneous open, §3.5 figure 7
            }
            return;
        }
        if (syn) {
            // SYN-ACK: the listener moves to SYN_RECEIVED; the connector's connect() returns
            if (sender.state == CLOSED || sender.state == LISTEN || sender.state == SYN_SENT) {
                sender.state = SYN_RECEIVED;
            }
            if (receiver.state == SYN_SENT || receiver.state == CLOSED) {
                receiver.state = ESTABLISHED;
            }
            return;
        }
        if (ack) {
            if (acksPeerFin) {
                // §3.6: the FIN's sender learns it was acknowledged
                receiver.state = switch (receiver.state) {
                    case FIN_WAIT_1 -> FIN_WAIT_2;
                    case CLOSING -> TIME_WAIT;
                    case LAST_ACK -> CLOSED;
                    default -> receiver.state;
                };
            }
            if (receiver.state == SYN_RECEIVED) {
                receiver.state = ESTABLISHED; // the final ACK: accept() returns
            }
            if (sender.state == SYN_SENT || sender.state == SYN_RECEIVED) {
                sender.state = ESTABLISHED;
            }
        }
        if (fin && firstFin && crossingFin) {
            // §3.6 figure 13: both sent FIN from ESTABLISHED (FIN_WAIT_1); each then receives the
            // other's FIN and moves to CLOSING. The observer saw the peer's FIN first, but this
            // FIN's ACK field shows its sender had not received it yet.
            sender.state = CLOSING;
            if (receiver.state == FIN_WAIT_1) {
                receiver.state = CLOSING;
            }
        } else if (fin && firstFin) {
            // §3.6: close()/shutdown(SHUT_WR) sends a FIN
            sender.state = sender.state == CLOSE_WAIT ? LAST_ACK : FIN_WAIT_1;
            receiver.state = switch (receiver.state) {
                case FIN_WAIT_1 -> CLOSING;   // simultaneous close
                case FIN_WAIT_2 -> TIME_WAIT;
                case TIME_WAIT, CLOSING, LAST_ACK, CLOSE_WAIT -> receiver.state;
                default -> CLOSE_WAIT;
            };
        }
    }
}
