package io.tcplens.analyzer.session;

/** How a session ended, in one word: what the text summary groups by and what filters select. */
public enum Outcome {
    /** FINs both ways, each acknowledged */
    CLOSED,
    /** a FIN was sent but the close did not complete in the capture */
    CLOSING,
    /** aborted by RST after the connection got going */
    RESET,
    /** the SYN was answered by RST */
    REFUSED,
    /** SYNs only, no reply */
    NO_ANSWER,
    /** no FIN or RST: still open when the capture ended or went idle */
    OPEN;

    public String jsonName() {
        return switch (this) {
            case CLOSED -> "closed";
            case CLOSING -> "closing";
            case RESET -> "reset";
            case REFUSED -> "refused";
            case NO_ANSWER -> "no_answer";
            case OPEN -> "open";
        };
    }

    public static Outcome of(SessionRecord r) {
        HandshakeStatus hs = r.handshake().status();
        if (hs == HandshakeStatus.REFUSED) {
            return REFUSED;
        }
        if (hs == HandshakeStatus.NO_ANSWER) {
            return NO_ANSWER;
        }
        if (r.close().resetBy() != null) {
            return RESET;
        }
        if (r.close().complete()) {
            return CLOSED;
        }
        return r.close().kind() == CloseKind.NONE ? OPEN : CLOSING;
    }
}
