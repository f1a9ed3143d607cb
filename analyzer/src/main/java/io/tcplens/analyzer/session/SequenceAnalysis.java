package io.tcplens.analyzer.session;

import io.tcplens.analyzer.decode.TcpSegment;

/**
 * Wireshark's per-direction sequence analysis for one session: which {@link Anomaly anomalies}
 * each packet shows. (Skeleton: the implementation lands with the deep-analysis work.)
 */
final class SequenceAnalysis {

    private final long[] countsFromA = new long[Anomaly.values().length];
    private final long[] countsFromB = new long[Anomaly.values().length];

    /**
     * Analyses one segment sent by endpoint a ({@code fromA}) or b, in capture order; returns the
     * bit set of anomalies it shows. Allocates nothing.
     */
    int onSegment(boolean fromA, TcpSegment s, long ts) {
        return 0;
    }

    /** packets sent by a ({@code fromA}) or b that showed anomaly {@code a} */
    long count(boolean fromA, Anomaly a) {
        return (fromA ? countsFromA : countsFromB)[a.ordinal()];
    }
}
