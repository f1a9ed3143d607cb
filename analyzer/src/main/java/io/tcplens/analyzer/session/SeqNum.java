package io.tcplens.analyzer.session;

/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): "a < b" means b is ahead of a by less
 * than 2^31. Values are raw 32-bit ints as they appear on the wire.
 */
public final class SeqNum {

    private SeqNum() {
    }

    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    public static boolean leq(int a, int b) {
        return a - b <= 0;
    }

    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    public static boolean geq(int a, int b) {
        return a - b >= 0;
    }

    /** {@code low <= x <= high}, modulo 2^32 */
    public static boolean between(int low, int x, int high) {
        return x - low >= 0 && high - x >= 0;
    }

    /** distance from {@code base} to {@code x} as an unsigned 32-bit value */
    public static long relative(int x, int base) {
        return (x - base) & 0xFFFF_FFFFL;
    }
}
