package io.tcplens.analyzer.session;

/**
 * Connection states of RFC 9293 §3.3.2, as an observer infers them for each endpoint from the
 * segments it sends and receives. Each state names the socket call that leads to it.
 */
public enum TcpState {
    CLOSED("CLOSED"),
    LISTEN("LISTEN"),
    SYN_SENT("SYN_SENT"),
    SYN_RECEIVED("SYN_RECEIVED"),
    ESTABLISHED("ESTABLISHED"),
    FIN_WAIT_1("FIN_WAIT_1"),
    FIN_WAIT_2("FIN_WAIT_2"),
    CLOSING("CLOSING"),
    TIME_WAIT("TIME_WAIT"),
    CLOSE_WAIT("CLOSE_WAIT"),
    LAST_ACK("LAST_ACK"),
    /** no handshake was seen: the connection was already open when the capture began */
    UNKNOWN("UNKNOWN");

    private final String rfcName;

    TcpState(String rfcName) {
        this.rfcName = rfcName;
    }

    public String rfcName() {
        return rfcName;
    }

    /** True once this endpoint has sent its FIN (RFC 9293 §3.6: it may still receive). */
    public boolean hasClosedSending() {
        return this == FIN_WAIT_1 || this == FIN_WAIT_2 || this == CLOSING || this == TIME_WAIT
                || this == LAST_ACK;
    }
}
