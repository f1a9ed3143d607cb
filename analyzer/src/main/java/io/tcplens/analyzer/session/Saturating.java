package io.tcplens.analyzer.session;

/**
 * Arithmetic on capture-controlled longs that clamps at the ends of the {@code long} range instead of
 * wrapping. Timestamps come from the capture (a pcapng EPB holds any 64-bit value), so the difference
 * of two of them, a duration or an RTT, can need 65 bits: it is the signed difference, negative when
 * the timestamps go backwards (as Zeek's {@code duration = last_time - start_time} and tshark's
 * {@code tcp.time_relative} are), clamped to [{@code Long.MIN_VALUE}, {@code Long.MAX_VALUE}] (±292
 * years) when it does not fit. docs/ROBUSTNESS.md, "Extreme values".
 */
public final class Saturating {

    private Saturating() {
    }

    /** {@code to - from}, clamped to the long range: the time from {@code fromNs} to {@code toNs} */
    public static long between(long fromNs, long toNs) {
        long d = toNs - fromNs;
        // overflow iff the operands have different signs and the result's sign differs from toNs's
        // (Hacker's Delight 2-13, as Math.subtractExact tests it)
        if (((toNs ^ fromNs) & (toNs ^ d)) < 0) {
            return toNs < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return d;
    }

    /** {@code a + b}, clamped to the long range */
    public static long plus(long a, long b) {
        long s = a + b;
        if (((a ^ s) & (b ^ s)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return s;
    }
}
