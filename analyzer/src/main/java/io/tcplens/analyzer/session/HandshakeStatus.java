package io.tcplens.analyzer.session;

/** Outcome of the three-way handshake (RFC 9293 §3.5), validated by sequence numbers. */
public enum HandshakeStatus {
    /** SYN, a SYN-ACK acknowledging it, and the client's ACK of the SYN-ACK */
    COMPLETE,
    /** the SYN was answered by RST: nothing listens on that port */
    REFUSED,
    /** only SYNs, nothing came back */
    NO_ANSWER,
    /** the handshake began but did not complete within the capture */
    PARTIAL,
    /** no SYN seen: the connection began before the capture */
    NOT_SEEN;

    public String jsonName() {
        return switch (this) {
            case COMPLETE -> "complete";
            case REFUSED -> "refused";
            case NO_ANSWER -> "no_answer";
            case PARTIAL -> "partial";
            case NOT_SEEN -> "not_seen";
        };
    }
}
