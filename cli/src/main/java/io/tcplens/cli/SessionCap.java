package io.tcplens.cli;

import io.tcplens.analyzer.session.SessionTracker;
import io.tcplens.cli.render.Units;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --max-sessions} ({@code @Mixin} of {@link SessionOptions} and of {@code capture}) and the
 * one rule for its default. The cap decides when a session is evicted, and an evicted 4-tuple's next
 * packet starts a new session with the next id, so every command that numbers sessions must use the
 * same cap for the same input to give the same ids; this class is the only place that computes it.
 */
final class SessionCap {

    /** what one session in the table costs, generously (measured ~1.5 kB for a SYN-only session) */
    static final long BYTES_PER_SESSION = 4096;
    /** the default never goes below this, however small the heap */
    static final int MIN_DEFAULT = 10_000;

    @Option(names = "--max-sessions", paramLabel = "N",
            description = "at most N sessions in the table at once; before a new one would exceed it, the longest-idle "
                    + "ends (end_reason evicted). Default: as many as the Java heap holds comfortably "
                    + "(max heap / " + BYTES_PER_SESSION + " bytes)")
    Integer maxSessions;

    /** the default for a heap of {@code maxHeapBytes}: max heap / {@link #BYTES_PER_SESSION}, at least {@link #MIN_DEFAULT} */
    static int defaultFor(long maxHeapBytes) {
        return (int) Math.max(MIN_DEFAULT, Math.min(Integer.MAX_VALUE, maxHeapBytes / BYTES_PER_SESSION));
    }

    /** the cap this run uses: {@code --max-sessions}, or the default for this JVM's heap */
    int value() {
        return maxSessions != null ? maxSessions : defaultFor(Runtime.getRuntime().maxMemory());
    }

    void validate(CommandLine cl) {
        if (maxSessions != null && maxSessions < 1) {
            throw new CommandLine.ParameterException(cl, "--max-sessions must be at least 1");
        }
    }

    /**
     * The note (without "tcplens: note: ") saying how many sessions the cap ended early, or null when
     * it ended none. With the default cap it names the number, so another run (show, extract, a JVM with
     * another heap) can pass it and number the sessions the same way.
     */
    String note(SessionTracker sessions) {
        long evicted = sessions.evictions();
        long cutShort = sessions.lingerCutShort();
        if (evicted + cutShort == 0) {
            return null;
        }
        int cap = value();
        String what = evicted == 0 ? ""
                : Units.plural(evicted, "session was", "sessions were") + " evicted (end_reason evicted)";
        if (cutShort > 0) {
            what += (what.isEmpty() ? "" : " and ") + Units.plural(cutShort, "closed session", "closed sessions")
                    + " left the table before the close linger was over,";
        }
        return what + " to keep at most " + Units.plural(cap, "session", "sessions") + " open at once"
                + (maxSessions == null ? " (the default for this heap; session ids depend on it: give --max-sessions "
                        + cap + " to show, extract or analyze to number the sessions the same way with any heap)" : "");
    }
}
