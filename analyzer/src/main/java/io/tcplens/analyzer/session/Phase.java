package io.tcplens.analyzer.session;

/** The phase of a connection a packet belongs to. */
public enum Phase {
    HANDSHAKE, DATA, CLOSE;

    public String label() {
        return switch (this) {
            case HANDSHAKE -> "handshake";
            case DATA -> "data";
            case CLOSE -> "close";
        };
    }
}
