package io.tcplens.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Times and sizes are formatted by integer arithmetic ({@link Units#fixed}); they must read exactly
 * as {@code String.format} wrote them: checked against the formatter on halfway cases, unit
 * boundaries, negative offsets and a million seeded values per format. For the whole long range
 * (where the formatter's double has lost digits) they must be the exact decimal, rounded half up:
 * checked against {@link BigDecimal} on the ends of the range and a million seeded longs.
 */
class UnitsTest {

    static String durationByFormatter(long ns) {
        if (ns < 0) {
            return "-" + durationByFormatter(-ns);
        }
        if (ns < 1_000_000L) {
            return String.format(Locale.ROOT, "%d µs", ns / 1_000);
        }
        if (ns < 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.3f ms", ns / 1e6);
        }
        if (ns < 600_000_000_000L) {
            return String.format(Locale.ROOT, "%.3f s", ns / 1e9);
        }
        long s = ns / 1_000_000_000L;
        return String.format(Locale.ROOT, "%d min %d s", s / 60, s % 60);
    }

    static String bytesByFormatter(long n) {
        if (n < 1000) {
            return n + " B";
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f kB", n / 1e3);
        }
        if (n < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f GB", n / 1e9);
    }

    /**
     * below 10^15 the formatter and the exact decimal agree (a double holds 15 significant digits);
     * above, the formatter's double has lost digits (9616213242097499 ns: "%+.6f" writes
     * +9616213.242098, the exact value is 9616213.242097499 s) and only the exact decimal counts
     */
    static void check(long v) {
        if (v > -1_000_000_000_000_000L && v < 1_000_000_000_000_000L) {
            assertEquals(durationByFormatter(v), Units.duration(v), "duration " + v);
            assertEquals(String.format(Locale.ROOT, "%+.6f", v / 1e9), Units.offset(v), "offset " + v);
            if (v >= 0) {
                assertEquals(bytesByFormatter(v), Units.bytes(v), "bytes " + v);
            }
        } else {
            assertEquals(durationExact(v), Units.duration(v), "duration " + v);
            assertEquals(offsetExact(v), Units.offset(v), "offset " + v);
            assertEquals(bytesExact(v), Units.bytes(v), "bytes " + v);
        }
    }

    @Test
    void halfwayCasesAndBoundaries() {
        long[] units = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000};
        for (long unit : units) {
            for (long m = 0; m < 2_000; m++) {
                for (long v : new long[] {m * unit, m * unit + unit / 2, m * unit + unit / 2 - 1, m * unit - 1}) {
                    check(v);
                    check(-v);
                    check(v * 997 + 500);
                }
            }
        }
        for (long v : new long[] {0, 999, 1000, 999_499, 999_500, 999_999, 1_000_000, 999_999_499, 999_999_500,
                999_999_999, 1_000_000_000, 599_999_999_999L, 600_000_000_000L, 999_999_999_999_999L,
                1_000_000_000_000_000L, Long.MAX_VALUE / 2, Long.MAX_VALUE, -999_999_999_999_999L, -1_000_000_000_000_000L}) {
            check(v);
        }
    }

    @Test
    void aMillionSeededValues() {
        SplittableRandom rnd = new SplittableRandom(20261125);
        for (int i = 0; i < 1_000_000; i++) {
            int digits = 1 + rnd.nextInt(16);
            long v = rnd.nextLong((long) Math.pow(10, digits));
            check(rnd.nextBoolean() ? v : -v);
        }
    }

    // ------------------------------------------------------------------ the whole long range, exactly

    /** |v| / 10^k to d decimals, half up, as BigDecimal writes it, with v's sign ("-0.000" included) */
    static String fixedExact(long v, int k, int d) {
        String digits = new BigDecimal(BigInteger.valueOf(v).abs(), k).setScale(d, RoundingMode.HALF_UP).toPlainString();
        return v < 0 ? "-" + digits : digits;
    }

    static String durationExact(long ns) {
        if (ns < 0) {
            // the magnitude of Long.MIN_VALUE is 2^63, beyond a long: its branch is minutes
            BigInteger abs = BigInteger.valueOf(ns).negate();
            if (abs.bitLength() < 63) {
                return "-" + durationExact(abs.longValueExact());
            }
            BigInteger[] minSec = abs.divide(BigInteger.valueOf(1_000_000_000L)).divideAndRemainder(BigInteger.valueOf(60));
            return "-" + minSec[0] + " min " + minSec[1] + " s";
        }
        if (ns < 1_000_000L) {
            return ns / 1_000 + " µs";
        }
        if (ns < 1_000_000_000L) {
            return fixedExact(ns, 6, 3) + " ms";
        }
        if (ns < 600_000_000_000L) {
            return fixedExact(ns, 9, 3) + " s";
        }
        long s = ns / 1_000_000_000L;
        return s / 60 + " min " + s % 60 + " s";
    }

    static String offsetExact(long ns) {
        return (ns < 0 ? "" : "+") + fixedExact(ns, 9, 6);
    }

    static String bytesExact(long n) {
        if (n < 1000) {
            return n + " B";
        }
        if (n < 1_000_000) {
            return fixedExact(n, 3, 1) + " kB";
        }
        if (n < 1_000_000_000) {
            return fixedExact(n, 6, 1) + " MB";
        }
        return fixedExact(n, 9, 2) + " GB";
    }

    static void checkExact(long v) {
        assertEquals(durationExact(v), Units.duration(v), "duration " + v);
        assertEquals(offsetExact(v), Units.offset(v), "offset " + v);
        assertEquals(bytesExact(v), Units.bytes(v), "bytes " + v);
        for (int k = 0; k <= 9; k++) {
            for (int d = 0; d <= k; d++) {
                assertEquals(fixedExact(v, k, d), Units.fixed(v, k, d, false), "fixed " + v + " k " + k + " d " + d);
            }
        }
    }

    static final long[] EXTREMES = {0, 1, -1, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MAX_VALUE - 1,
        Integer.MIN_VALUE, Integer.MAX_VALUE, -999_999_999_999_999L, 1_000_000_000_000_000L, -1_000_000_000_000_000L,
        -600_000_000_000L, -599_999_999_999L, Long.MIN_VALUE / 2, Long.MAX_VALUE / 1000 * 1000 + 500};

    @Test
    void theEndsOfTheLongRangeByHand() {
        // 2^63 ns = 9223372036.854775808 s = 153722867 min 16 s (153722867 * 60 = 9223372020)
        assertEquals("-153722867 min 16 s", Units.duration(Long.MIN_VALUE));
        assertEquals("-153722867 min 16 s", Units.duration(Long.MIN_VALUE + 1));
        assertEquals("153722867 min 16 s", Units.duration(Long.MAX_VALUE));
        assertEquals("-9223372036.854776", Units.offset(Long.MIN_VALUE));
        assertEquals("+9223372036.854776", Units.offset(Long.MAX_VALUE));
        assertEquals("9223372036.85 GB", Units.bytes(Long.MAX_VALUE));
        assertEquals("-9223372036854775808 B", Units.bytes(Long.MIN_VALUE));
        assertEquals("-9223372036854775808", Units.fixed(Long.MIN_VALUE, 0, 0, false));
        assertEquals("+9223372036854775807", Units.fixed(Long.MAX_VALUE, 0, 0, true));
        assertEquals("-0.000000", Units.offset(-400), "a negative value rounding to zero keeps its sign, as %+.6f");
        assertEquals("-0.000001", Units.offset(-500), "half up is away from zero");
        // 9·10^18 + 500 ns = 9000000000.0000005 s: half up gives .000001. The formatter's double of it
        // is 9·10^18 exactly (doubles there are 1024 apart), so String.format wrote .000000: wrong.
        assertEquals("+9000000000.000001", Units.offset(9_000_000_000_000_000_500L));
        assertEquals("+9000000000.000000", String.format(Locale.ROOT, "%+.6f", 9_000_000_000_000_000_500L / 1e9));
    }

    @Test
    void theWholeLongRangeAgainstBigDecimal() {
        for (long v : EXTREMES) {
            checkExact(v);
            checkExact(-v);
        }
        SplittableRandom rnd = new SplittableRandom(20261126);
        for (int i = 0; i < 200_000; i++) {
            long v = rnd.nextLong();   // uniform over the whole range: mostly 10^17 to 10^19 in magnitude
            assertEquals(durationExact(v), Units.duration(v), "duration " + v);
            assertEquals(offsetExact(v), Units.offset(v), "offset " + v);
            assertEquals(bytesExact(v), Units.bytes(v), "bytes " + v);
            // and each decade, so that every unit branch and both signs are hit
            long w = rnd.nextLong(1L << rnd.nextInt(1, 63)) * (rnd.nextBoolean() ? 1 : -1);
            assertEquals(durationExact(w), Units.duration(w), "duration " + w);
            assertEquals(offsetExact(w), Units.offset(w), "offset " + w);
        }
    }
}
