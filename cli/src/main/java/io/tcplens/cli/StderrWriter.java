package io.tcplens.cli;

import java.io.PrintWriter;

/**
 * The one gate every stderr message of tcplens passes ({@link Main} hands it to every command as
 * picocli's error writer): each {@link #println(String)} is one message line, so every control
 * character inside it, a line break too, is printed escaped ({@link Printable}). File names, interface
 * names, option values and libpcap's words reach the terminal as text wherever the message was built.
 * The progress bar, which draws with CR and an erase-line sequence on purpose, writes to {@link #raw}.
 */
final class StderrWriter extends PrintWriter {

    private final PrintWriter raw;

    StderrWriter(PrintWriter raw) {
        super(raw, true);
        this.raw = raw;
    }

    /** the writer under the gate, for output that controls the terminal on purpose (the progress bar) */
    static PrintWriter raw(PrintWriter w) {
        return w instanceof StderrWriter s ? s.raw : w;
    }

    @Override
    public void println(String line) {
        synchronized (lock) {
            super.print(Printable.escape(line == null ? "null" : line));
            super.println();
        }
    }

    @Override
    public void println(Object line) {
        println(String.valueOf(line));
    }

    /** text without its line end: each line of it escaped as by {@link #println(String)} */
    @Override
    public void print(String s) {
        String text = s == null ? "null" : s;
        StringBuilder b = new StringBuilder(text.length());
        int start = 0;
        for (int nl; (nl = text.indexOf('\n', start)) >= 0; start = nl + 1) {
            b.append(Printable.escape(text.substring(start, nl))).append('\n');
        }
        super.print(b.append(Printable.escape(text.substring(start))).toString());
    }
}
