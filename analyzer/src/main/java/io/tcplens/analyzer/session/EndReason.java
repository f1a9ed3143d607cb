package io.tcplens.analyzer.session;

/** Why a session left the session table. */
public enum EndReason {
    /** FINs went both ways and were acknowledged */
    CLOSED,
    /** a RST ended it */
    RESET,
    /** no packet for longer than the idle timeout */
    IDLE_TIMEOUT,
    /** a new SYN with another initial sequence number reused the 4-tuple */
    PORT_REUSED,
    /** still open when the input ended */
    CAPTURE_END,
    /** removed, still open, to keep the table within {@code --max-sessions} (the longest-idle goes first) */
    EVICTED;

    public String jsonName() {
        return switch (this) {
            case CLOSED -> "closed";
            case RESET -> "reset";
            case IDLE_TIMEOUT -> "idle_timeout";
            case PORT_REUSED -> "port_reused";
            case CAPTURE_END -> "capture_end";
            case EVICTED -> "evicted";
        };
    }
}
