package io.tcplens.cli.render;

/** How times, sizes and counts read in tcplens' text output. */
public final class Units {

    private Units() {
    }

    /** a duration: "412 µs", "3.207 ms", "2.500 s", "5 min 3 s" */
    public static String duration(long ns) {
        if (ns < 0) {
            return "-" + duration(-ns);
        }
        if (ns < 1_000_000L) {
            return ns / 1_000 + " µs";
        }
        if (ns < 1_000_000_000L) {
            return fixed(ns, 6, 3, false) + " ms";
        }
        if (ns < 600_000_000_000L) {
            return fixed(ns, 9, 3, false) + " s";
        }
        long s = ns / 1_000_000_000L;
        return s / 60 + " min " + s % 60 + " s";
    }

    /** an offset from the session start: "+0.000000" seconds with microseconds */
    public static String offset(long ns) {
        return fixed(ns, 9, 6, true);
    }

    /** a byte count: "0 B", "512 B", "1.5 kB", "12.3 MB" (SI, as Wireshark's statistics) */
    public static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        if (n < 1_000_000) {
            return fixed(n, 3, 1, false) + " kB";
        }
        if (n < 1_000_000_000) {
            return fixed(n, 6, 1, false) + " MB";
        }
        return fixed(n, 9, 2, false) + " GB";
    }

    /** below this many units the decimal n / 10^k has at most 15 significant digits (see {@link #fixed}) */
    private static final long EXACT = 1_000_000_000_000_000L;
    private static final long[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
            100_000_000, 1_000_000_000};

    /**
     * {@code n / 10^k} with {@code d} decimals ({@code d <= k}), as {@code String.format("%.df")}
     * ({@code "%+.df"} with {@code sign}) writes it, without the formatter's cost. The formatter
     * rounds half up the shortest decimal that identifies the double; for |n| < 10^15 that decimal is
     * n·10^-k itself (a decimal of at most 15 significant digits survives the trip through a double),
     * so rounding the integer half up gives the same digits. Larger values take the formatter.
     */
    static String fixed(long n, int k, int d, boolean sign) {
        if (n <= -EXACT || n >= EXACT) {
            return String.format(java.util.Locale.ROOT, sign ? "%+." + d + "f" : "%." + d + "f", n / Math.pow(10, k));
        }
        long abs = Math.abs(n);
        long unit = POW10[k - d];
        long q = abs / unit;
        if ((abs % unit) * 2 >= unit) {
            q++;   // half up
        }
        long scale = POW10[d];
        StringBuilder sb = new StringBuilder(24);
        if (n < 0) {
            sb.append('-');
        } else if (sign) {
            sb.append('+');
        }
        sb.append(q / scale);
        if (d > 0) {
            sb.append('.');
            String frac = Long.toString(q % scale);
            for (int i = frac.length(); i < d; i++) {
                sb.append('0');
            }
            sb.append(frac);
        }
        return sb.toString();
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

    /** "[2001:db8::1]:443" or "10.0.0.1:443" */
    public static String endpoint(String addr, int port) {
        return addr.indexOf(':') >= 0 ? "[" + addr + "]:" + port : addr + ":" + port;
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
