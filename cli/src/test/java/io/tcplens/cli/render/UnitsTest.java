package io.tcplens.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Times and sizes are formatted by integer arithmetic ({@link Units#fixed}); they must read exactly
 * as {@code String.format} wrote them: checked against the formatter on halfway cases, unit
 * boundaries, negative offsets and a million seeded values per format.
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

    static void check(long v) {
        assertEquals(durationByFormatter(v), Units.duration(v), "duration " + v);
        assertEquals(String.format(Locale.ROOT, "%+.6f", v / 1e9), Units.offset(v), "offset " + v);
        if (v >= 0) {
            assertEquals(bytesByFormatter(v), Units.bytes(v), "bytes " + v);
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
}
