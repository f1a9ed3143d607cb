package io.tcplens.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGINT, SIGTERM and SIGHUP while a command runs. The first asks the run to stop ({@code onStop}: stop reading,
 * stop the capture) and the main thread then finishes its report as at the end of the input, however long that
 * takes, and exits 128 + the signal's number (130, 143, 129), as a shell reports a process a signal ended. The
 * second ends the process at once with the same code, after removing every temporary output file
 * ({@link OutputFile}): no report, no {@code .part} left. A command with nothing to finish (an output written
 * whole or not at all) passes no {@code onStop}, and the first signal already does that.
 *
 * <p>SIGHUP (the terminal went away, an ssh session ended) stops the run as SIGINT and SIGTERM do, as tcpdump's
 * {@code cleanup} does; under {@code nohup} it stays ignored (the JVM leaves an ignored SIGHUP alone, as tcpdump
 * "cooperates with nohup(1)"). A signal that comes less than {@link #SAME_REQUEST_NS} after the first is the
 * same request delivered twice, not a second one: {@code timeout(1)} sends its signal to the command and then to
 * its whole process group, and Ctrl-C reaches every process of the foreground group, so a wrapper that forwards it
 * doubles it too. Counted as a second signal, that halted the run and lost the report about one time in six.
 *
 * <p>Signal handlers, not a shutdown hook: once the JVM is shutting down it cannot be told anything more (a
 * second SIGTERM then waits for the hooks), so a hook had to give the report a deadline (10 s in analyze, 3 s in
 * capture) and the JVM halted half-way through a large one. {@code sun.misc.Signal} (module jdk.unsupported) is
 * the JDK's way to handle a signal and keep running; each signal's handler runs on a thread of its own.
 */
final class StopSignals implements AutoCloseable {

    private static final String[] NAMES = {"INT", "TERM", "HUP"};

    /** a signal within this time of the first (1 s) asks for the same stop: a person presses Ctrl-C again later */
    static final long SAME_REQUEST_NS = 1_000_000_000L;

    private final Runnable onStop;
    private final AtomicInteger received = new AtomicInteger();
    private final SignalHandler[] previous = new SignalHandler[NAMES.length];
    private volatile int first;
    /** System.nanoTime() when the first signal was handled */
    private long firstAt;

    private StopSignals(Runnable onStop) {
        this.onStop = onStop;
    }

    /**
     * Handles SIGINT and SIGTERM until {@link #close}.
     *
     * @param onStop what the first signal does (it must only set flags and wake the main thread); null: the
     *               first signal already ends the process at once
     */
    static StopSignals install(Runnable onStop) {
        StopSignals s = new StopSignals(onStop);
        for (int i = 0; i < NAMES.length; i++) {
            try {
                s.previous[i] = Signal.handle(new Signal(NAMES[i]), s::received);
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal for itself (java -Xrs): its default action stays
            }
        }
        return s;
    }

    // synchronized: each signal's handler runs on a thread of its own, and the second must see when the first came
    private synchronized void received(Signal signal) {
        long now = System.nanoTime();
        if (received.get() >= 1 && onStop != null && now - firstAt < SAME_REQUEST_NS) {
            return;   // the first signal delivered again (timeout(1), a process group): the run is already stopping
        }
        int n = received.incrementAndGet();
        if (n == 1) {
            first = signal.getNumber();
            firstAt = now;
        }
        if (n == 1 && onStop != null) {
            onStop.run();
            return;
        }
        OutputFile.deleteTemporaryFiles();
        System.err.println("tcplens: warning: " + (n == 1 ? "interrupted" : "interrupted again")
                + " (SIG" + signal.getName() + "): stopped at once; no output file was written");
        System.err.flush();
        int code = first;   // 0 only if the first signal's thread has not got that far yet
        Runtime.getRuntime().halt(128 + (code != 0 ? code : signal.getNumber()));
    }

    /** true once a signal asked the run to stop */
    boolean stopped() {
        return first != 0;
    }

    /** 128 + the number of the signal that stopped the run (130 SIGINT, 143 SIGTERM, 129 SIGHUP), else {@code otherwise} */
    int exitCode(int otherwise) {
        int s = first;
        return s != 0 ? 128 + s : otherwise;
    }

    /** Gives the signals back to what handled them before (the JVM: run the shutdown hooks and exit). */
    @Override
    public void close() {
        for (int i = 0; i < NAMES.length; i++) {
            if (previous[i] != null) {
                try {
                    Signal.handle(new Signal(NAMES[i]), previous[i]);
                } catch (IllegalArgumentException ignored) {
                    // as at install
                }
            }
        }
    }
}
