package io.tcplens.cli;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a report goes: standard output, or a file written under a temporary name and renamed
 * into place only when the run succeeds, so a failed run never leaves half a report behind.
 * A report is written either as text ({@link #writer()}) or as UTF-8 bytes ({@link #stream()}, what
 * the line-based reports use: they are encoded once, as they are rendered).
 */
final class Output implements AutoCloseable {

    private static final int BUFFER = 1 << 16;

    private final Writer writer;
    private final OutputStream stream;
    private final Path target;
    private final Path temp;
    private boolean committed;

    private Output(Writer writer, OutputStream stream, Path target, Path temp) {
        this.writer = writer;
        this.stream = stream;
        this.target = target;
        this.temp = temp;
    }

    /**
     * The process's standard output: a writer in the platform's charset, as {@code System.out} is, and
     * the bytes underneath, which a report may write straight to when that charset is UTF-8.
     */
    static final class Stdout extends PrintWriter {
        private final PrintStream bytes;

        Stdout(PrintStream out) {
            super(out, true);
            this.bytes = out;
        }

        /** the stream under the writer, or null when the writer does not encode as UTF-8 */
        PrintStream utf8Bytes() {
            return Charset.defaultCharset().equals(StandardCharsets.UTF_8) ? bytes : null;
        }
    }

    static Output open(Path target, PrintWriter stdout) {
        if (target == null) {
            PrintStream bytes = stdout instanceof Stdout s ? s.utf8Bytes() : null;
            if (bytes != null) {
                stdout.flush();
                // PrintStream, like PrintWriter, keeps an error (a closed pipe) for checkError()
                return new Output(stdout, new BufferedOutputStream(bytes, BUFFER), null, null);
            }
            return new Output(stdout, new Utf8ToWriter(stdout), null, null);
        }
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        try {
            Path temp = Files.createTempFile(dir, "." + abs.getFileName(), ".part");
            OutputStream bytes = new BufferedOutputStream(Files.newOutputStream(temp), BUFFER);
            Writer w = new BufferedWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), BUFFER);
            return new Output(w, bytes, abs, temp);
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_ERROR, "cannot write " + target + ": " + reason(e)
                    + " (check that the folder exists and is writable)");
        }
    }

    /** the report as text */
    Writer writer() {
        return writer;
    }

    /** the report as UTF-8 bytes */
    OutputStream stream() {
        return stream;
    }

    /**
     * True when standard output is a pipe whose reader went away ({@code tcplens analyze big.pcap | head});
     * flushes what is written so far to find out. Always false for a report written to a file.
     */
    boolean stdoutClosed() {
        if (target != null) {
            return false;
        }
        try {
            writer.flush();
            stream.flush();
        } catch (IOException e) {
            return true;
        }
        return ((PrintWriter) writer).checkError();   // a PrintWriter over System.out asks the PrintStream too
    }

    /** Moves the finished report into place. */
    void commit() {
        try {
            writer.flush();
            stream.flush();
            if (target != null) {
                writer.close();
                shareable(temp);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            committed = true;
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_ERROR, "cannot write " + target + ": " + reason(e));
        }
    }

    @Override
    public void close() {
        if (target != null && !committed) {
            try {
                writer.close();
            } catch (IOException ignored) {
                // the partial file is deleted next
            }
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    /** createTempFile makes the file private (0600); a report is meant to be read by others: 0644 */
    private static void shareable(Path file) {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system: leave the default
        }
    }

    /**
     * What went wrong writing a report, in one line: the cause of an {@link java.io.UncheckedIOException}
     * (a renderer's), our own messages as they are, a JDK file error as "NoSuchFile /path".
     */
    static String reason(Exception e) {
        Throwable t = e instanceof java.io.UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        if (t.getClass() == IOException.class && t.getMessage() != null) {
            return t.getMessage();
        }
        return t instanceof IOException io ? reason(io) : String.valueOf(t.getMessage());
    }

    static String reason(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName().replace("Exception", "") + (m != null ? " " + m : "");
    }
}
