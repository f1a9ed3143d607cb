package io.tcplens.analyzer.session;

/** How the client of a session was determined (see the README, "Who is the client"). */
public enum ClientBasis {
    /** the sender of the first SYN without ACK */
    SYN,
    /** no SYN seen: the receiver of the first SYN-ACK */
    SYNACK,
    /** neither seen: from the first packet and the ports */
    INFERRED;

    public String jsonName() {
        return switch (this) {
            case SYN -> "syn";
            case SYNACK -> "synack";
            case INFERRED -> "inferred";
        };
    }
}
