package io.tcplens.analyzer.session;

import io.tcplens.analyzer.decode.TcpSegment;

/**
 * Zeek's view of a TCP connection, for {@code conn.log}'s {@code conn_state} and {@code history}
 * (Zeek {@code scripts/base/protocols/conn/main.zeek}, {@code src/analyzer/protocol/tcp/}).
 * Zeek's originator is the sender of the first packet unless Zeek flips the roles ({@code ^} in the
 * history). (Skeleton: the implementation lands with the deep-analysis work.)
 */
final class ZeekConn {

    /** Feeds one segment sent by endpoint a ({@code fromA}) or b, in capture order. Allocates nothing. */
    void onSegment(boolean fromA, TcpSegment s, long ts) {
    }

    /** true when Zeek's originator is endpoint a (the first packet's sender) */
    boolean originatorIsA() {
        return true;
    }

    /** S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR or OTH */
    String connState() {
        return "OTH";
    }

    /** Zeek's history string, e.g. "ShADadFf" */
    String history() {
        return "";
    }
}
