package io.tcplens.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a report goes: standard output, or a file written under a temporary name and renamed
 * into place only when the run succeeds, so a failed run never leaves half a report behind.
 */
final class Output implements AutoCloseable {

    private final Writer writer;
    private final Path target;
    private final Path temp;
    private boolean committed;

    private Output(Writer writer, Path target, Path temp) {
        this.writer = writer;
        this.target = target;
        this.temp = temp;
    }

    static Output open(Path target, PrintWriter stdout) {
        if (target == null) {
            return new Output(stdout, null, null);
        }
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        try {
            Path temp = Files.createTempFile(dir, "." + abs.getFileName(), ".part");
            Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(temp), StandardCharsets.UTF_8),
                    1 << 16);
            return new Output(w, abs, temp);
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_ERROR, "cannot write " + target + ": " + reason(e)
                    + " (check that the folder exists and is writable)");
        }
    }

    Writer writer() {
        return writer;
    }

    /** Moves the finished report into place. */
    void commit() {
        try {
            writer.flush();
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
