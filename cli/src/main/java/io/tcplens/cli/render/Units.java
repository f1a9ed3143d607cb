package io.tcplens.cli.render;

/** How times, sizes and counts read in tcplens' text output. */
public final class Units {

    private Units() {
    }

    // Each unit is written by an append method (the text report builds a session's text in one
    // builder); the String methods are those, on a builder of their own.

    /** a duration: "412 µs", "3.207 ms", "2.500 s", "5 min 3 s" */
    public static String duration(long ns) {
        return duration(new StringBuilder(16), ns).toString();
    }

    static StringBuilder duration(StringBuilder sb, long ns) {
        if (ns < 0) {
            sb.append('-');
            if (ns <= -600_000_000_000L) {
                // minutes straight from the signed value: -ns overflows for Long.MIN_VALUE (it is itself)
                return minutes(sb, -(ns / 1_000_000_000L));
            }
            ns = -ns;
        }
        if (ns < 1_000_000L) {
            return sb.append(ns / 1_000).append(" µs");
        }
        if (ns < 1_000_000_000L) {
            return fixed(sb, ns, 6, 3, false).append(" ms");
        }
        if (ns < 600_000_000_000L) {
            return fixed(sb, ns, 9, 3, false).append(" s");
        }
        return minutes(sb, ns / 1_000_000_000L);
    }

    private static StringBuilder minutes(StringBuilder sb, long s) {
        return sb.append(s / 60).append(" min ").append(s % 60).append(" s");
    }

    /** an offset from the session start: "+0.000000" seconds with microseconds */
    public static String offset(long ns) {
        return offset(new StringBuilder(16), ns).toString();
    }

    static StringBuilder offset(StringBuilder sb, long ns) {
        return fixed(sb, ns, 9, 6, true);
    }

    /** a byte count: "0 B", "512 B", "1.5 kB", "12.3 MB" (SI, as Wireshark's statistics) */
    public static String bytes(long n) {
        return bytes(new StringBuilder(16), n).toString();
    }

    static StringBuilder bytes(StringBuilder sb, long n) {
        if (n < 1000) {
            return sb.append(n).append(" B");
        }
        if (n < 1_000_000) {
            return fixed(sb, n, 3, 1, false).append(" kB");
        }
        if (n < 1_000_000_000) {
            return fixed(sb, n, 6, 1, false).append(" MB");
        }
        return fixed(sb, n, 9, 2, false).append(" GB");
    }

    private static final long[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
            100_000_000, 1_000_000_000};

    /**
     * {@code n / 10^k} with {@code d} decimals ({@code d <= k <= 9}), rounded half up (away from zero),
     * exactly, for every long: the decimal {@code BigDecimal.valueOf(n, k).setScale(d, HALF_UP)} writes
     * ({@code "+"} in front of a non-negative value with {@code sign}; "-0.000" when a negative value
     * rounds to zero). That is what {@code String.format("%.df")} writes for |n| < 10^15, where the
     * double n·10^-k still holds the decimal (at most 15 significant digits survive the trip through a
     * double; the formatter rounds half up the shortest decimal that identifies the double); beyond,
     * the double has lost digits and the formatter would print them wrong (UnitsTest).
     */
    static String fixed(long n, int k, int d, boolean sign) {
        return fixed(new StringBuilder(24), n, k, d, sign).toString();
    }

    static StringBuilder fixed(StringBuilder sb, long n, int k, int d, boolean sign) {
        // |n| as an unsigned long: exact for Long.MIN_VALUE too (2^63)
        long abs = n < 0 ? -n : n;
        long unit = POW10[k - d];
        long q = Long.divideUnsigned(abs, unit);
        if (Long.remainderUnsigned(abs, unit) * 2 >= unit) {
            q++;   // half up (a remainder only when unit >= 10, so q <= 2^63 / 10 here: no overflow)
        }
        long scale = POW10[d];
        if (n < 0) {
            sb.append('-');
        } else if (sign) {
            sb.append('+');
        }
        long whole = Long.divideUnsigned(q, scale);
        if (whole < 0) {
            sb.append(Long.toUnsignedString(whole));   // 2^63 itself: only for k == d == 0 and Long.MIN_VALUE
        } else {
            sb.append(whole);
        }
        if (d > 0) {
            sb.append('.');
            long frac = Long.remainderUnsigned(q, scale);
            for (long p = scale / 10; p > 1 && frac < p; p /= 10) {
                sb.append('0');   // leading zeros of the fraction
            }
            sb.append(frac);
        }
        return sb;
    }

    /** {@code s} padded with spaces on the right to {@code width} (as "%-widths") */
    static StringBuilder padded(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb;
    }

    public static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    static StringBuilder plural(StringBuilder sb, long n, String one, String many) {
        return sb.append(n).append(' ').append(n == 1 ? one : many);
    }

    /** "[2001:db8::1]:443" or "10.0.0.1:443" */
    public static String endpoint(String addr, int port) {
        return endpoint(new StringBuilder(48), addr, port).toString();
    }

    static StringBuilder endpoint(StringBuilder sb, String addr, int port) {
        return addr.indexOf(':') >= 0 ? sb.append('[').append(addr).append("]:").append(port)
                : sb.append(addr).append(':').append(port);
    }

    /** TCP flags as tcpdump writes them in brackets, e.g. "S", "S.", "F.", "R", "P." */
    public static String flags(int f) {
        StringBuilder sb = new StringBuilder(8);
        if ((f & 0x02) != 0) sb.append('S');
        if ((f & 0x01) != 0) sb.append('F');
        if ((f & 0x04) != 0) sb.append('R');
        if ((f & 0x08) != 0) sb.append('P');
        if ((f & 0x20) != 0) sb.append('U');
        if ((f & 0x40) != 0) sb.append('E');
        if ((f & 0x80) != 0) sb.append('W');
        if ((f & 0x100) != 0) sb.append('e');
        if ((f & 0x10) != 0) sb.append('.');
        return sb.length() == 0 ? "none" : sb.toString();
    }
}
