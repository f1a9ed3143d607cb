package io.tcplens.analyzer.session;

/**
 * Per-packet TCP anomalies with Wireshark's definitions ({@code tcp.analysis.*}, see
 * {@code epan/dissectors/packet-tcp.c}, {@code tcp_analyze_sequence_number}). A packet may carry
 * several; they are reported as a bit set ({@link #bit()}).
 */
public enum Anomaly {
    RETRANSMISSION("tcp.analysis.retransmission"),
    FAST_RETRANSMISSION("tcp.analysis.fast_retransmission"),
    SPURIOUS_RETRANSMISSION("tcp.analysis.spurious_retransmission"),
    OUT_OF_ORDER("tcp.analysis.out_of_order"),
    LOST_SEGMENT("tcp.analysis.lost_segment"),
    ACKED_UNSEEN_SEGMENT("tcp.analysis.ack_lost_segment"),
    DUPLICATE_ACK("tcp.analysis.duplicate_ack"),
    ZERO_WINDOW("tcp.analysis.zero_window"),
    ZERO_WINDOW_PROBE("tcp.analysis.zero_window_probe"),
    ZERO_WINDOW_PROBE_ACK("tcp.analysis.zero_window_probe_ack"),
    KEEP_ALIVE("tcp.analysis.keep_alive"),
    KEEP_ALIVE_ACK("tcp.analysis.keep_alive_ack"),
    WINDOW_UPDATE("tcp.analysis.window_update"),
    WINDOW_FULL("tcp.analysis.window_full"),
    REUSED_PORTS("tcp.analysis.reused_ports");

    private final String wiresharkField;
    private final String jsonName;

    Anomaly(String wiresharkField) {
        this.wiresharkField = wiresharkField;
        this.jsonName = name().toLowerCase(java.util.Locale.ROOT);
    }

    /** the tshark field that marks it */
    public String wiresharkField() {
        return wiresharkField;
    }

    public int bit() {
        return 1 << ordinal();
    }

    /** "retransmission", "duplicate_ack", ...: the JSON name */
    public String jsonName() {
        return jsonName;
    }

    public static boolean has(int bits, Anomaly a) {
        return (bits & a.bit()) != 0;
    }
}
