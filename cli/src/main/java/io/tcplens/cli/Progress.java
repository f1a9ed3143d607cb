package io.tcplens.cli;

import io.tcplens.capture.FrameHandler;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on stderr while files are read: bytes read of the total, packets per
 * second, sessions so far. Shown only when stderr is a terminal, redrawn at most every 250 ms and
 * erased at the end; nothing at all when stderr is piped or redirected.
 */
final class Progress {

    private static final long EVERY_NS = 250_000_000L;
    /** pcap record header; pcapng blocks are a little longer, so the bar is an estimate */
    private static final int RECORD_OVERHEAD = 16;

    private final PrintWriter err;
    private final long totalBytes;
    private final LongSupplier sessions;
    private final long startNs = System.nanoTime();
    private long bytes;
    private long frames;
    private long lastDraw;
    private boolean drawn;

    Progress(PrintWriter err, long totalBytes, LongSupplier sessions) {
        this.err = StderrWriter.raw(err);   // draws with CR and ESC [K on purpose, past the escaping gate
        this.totalBytes = totalBytes;
        this.sessions = sessions;
        this.lastDraw = startNs;
    }

    /** a progress bar when stderr is a terminal, else null */
    static Progress ifTerminal(PrintWriter err, List<Path> files, LongSupplier sessions) {
        if (!stderrIsTerminal()) {
            return null;
        }
        long total = 0;
        for (Path f : files) {
            try {
                total += Files.size(f);
            } catch (IOException e) {
                // the reader reports the missing file
            }
        }
        return new Progress(err, total, sessions);
    }

    /** stderr is a terminal: /proc/self/fd/2 names a tty (Linux); elsewhere, a console is attached */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Path fd2 = Path.of("/proc/self/fd/2");
        if (Files.exists(Path.of("/proc/self/fd"))) {
            try {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return System.console() != null;
    }

    /** one more frame of {@code caplen} bytes was read */
    void frame(int caplen) {
        bytes += caplen + RECORD_OVERHEAD;
        if ((++frames & 1023) == 0) {
            long now = System.nanoTime();
            if (now - lastDraw >= EVERY_NS) {
                lastDraw = now;
                draw(now);
            }
        }
    }

    String line(long now) {
        double secs = Math.max(1e-9, (now - startNs) / 1e9);
        String pct = totalBytes > 0 ? String.format(Locale.ROOT, "%3.0f%% ", Math.min(100.0, 100.0 * bytes / totalBytes)) : "";
        int width = 24;
        int filled = totalBytes > 0 ? (int) Math.min(width, width * bytes / totalBytes) : 0;
        String bar = totalBytes > 0 ? "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " : "";
        return String.format(Locale.ROOT, "%s%s%.1f of %.1f MB  %.0f k packets/s  %d sessions", bar, pct,
                bytes / 1e6, totalBytes / 1e6, frames / secs / 1e3, sessions.getAsLong());
    }

    private void draw(long now) {
        err.print("\r" + line(now) + "\u001b[K");
        err.flush();
        drawn = true;
    }

    /** erases the bar */
    void finish() {
        if (drawn) {
            err.print("\r\u001b[K");
            err.flush();
            drawn = false;
        }
    }
}
