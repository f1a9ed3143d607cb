package io.tcplens.cli.render;

import java.util.Locale;

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

    /** an offset from the session start: "+0.000000" seconds with microseconds */
    public static String offset(long ns) {
        return String.format(Locale.ROOT, "%+.6f", ns / 1e9);
    }

    /** a byte count: "0 B", "512 B", "1.5 kB", "12.3 MB" (SI, as Wireshark's statistics) */
    public static String bytes(long n) {
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
