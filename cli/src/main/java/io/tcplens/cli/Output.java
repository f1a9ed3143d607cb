package io.tcplens.cli;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a report goes: standard output ({@code -o} not given, or {@code -o -}), or the file {@link OutputFile}
 * opens for the path (a regular file is written under a temporary name and renamed into place only when the run
 * succeeds, so a failed run never leaves half a report behind; a device or FIFO is written in place).
 * A report is written either as text ({@link #writer()}) or as UTF-8 bytes ({@link #stream()}, what
 * the line-based reports use: they are encoded once, as they are rendered).
 */
final class Output implements AutoCloseable {

    private static final int BUFFER = 1 << 16;

    private final Writer writer;
    private final OutputStream stream;
    /** the -o file, or null for standard output */
    private final OutputFile file;

    private Output(Writer writer, OutputStream stream, OutputFile file) {
        this.writer = writer;
        this.stream = stream;
        this.file = file;
    }

    /**
     * The process's standard output: a writer in the platform's charset, as {@code System.out} is, and
     * the bytes underneath, which a report may write straight to when that charset is UTF-8.
     */
    static final class Stdout extends PrintWriter {
        private final PrintStream bytes;
        /** what failed writing to descriptor 1, or null (a PrintStream only keeps that something did) */
        private final KeepsError errors;

        Stdout(PrintStream out) {
            this(out, null);
        }

        private Stdout(PrintStream out, KeepsError errors) {
            super(out, true);
            this.bytes = out;
            this.errors = errors;
        }

        /** the process's standard output (descriptor 1), remembering why a write to it failed */
        static Stdout process() {
            KeepsError errors = new KeepsError(new FileOutputStream(FileDescriptor.out));
            return new Stdout(new PrintStream(new BufferedOutputStream(errors, 8192), false), errors);
        }

        /** the stream under the writer, or null when the writer does not encode as UTF-8 */
        PrintStream utf8Bytes() {
            return Charset.defaultCharset().equals(StandardCharsets.UTF_8) ? bytes : null;
        }
    }

    /** the error a write to descriptor 1 got, kept for the message, since PrintStream swallows it */
    private static final class KeepsError extends FilterOutputStream {
        private volatile IOException last;

        KeepsError(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                last = e;
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                last = e;
                throw e;
            }
        }
    }

    /**
     * The exit once writing to standard output failed ({@link #stdoutClosed}, {@code checkError()}): 0 when it is
     * a pipe, FIFO or socket whose reader went away ({@code tcplens analyze big.pcap | head}: EPIPE is the one
     * error a pipe gives); any other failure loses the report and is exit 11, as for {@code -o}: a full disk or
     * {@code > /dev/full} (ENOSPC), standard output closed ({@code >&-}: EBADF).
     *
     * @throws UserError OUTPUT_ERROR naming the failure
     */
    static int stdoutFailed(PrintWriter stdout) {
        int type = OutputFile.fileType(OutputFile.STANDARD_OUTPUT);
        if (type == OutputFile.S_IFIFO || type == OutputFile.S_IFSOCK) {
            return ExitCode.OK;
        }
        IOException e = stdout instanceof Stdout s && s.errors != null ? s.errors.last : null;
        throw new UserError(ExitCode.OUTPUT_ERROR, "cannot write the report to standard output: "
                + (e != null ? reason(e) : "a write failed") + " (the report is incomplete)");
    }

    /** after {@link #stdoutClosed} said true: {@link #stdoutFailed} */
    int stdoutFailed() {
        return stdoutFailed((PrintWriter) writer);
    }

    /** true when a report to {@code target} (-o, null when not given) goes to standard output */
    static boolean toStdout(Path target) {
        return target == null || OutputFile.isStdout(target);
    }

    /**
     * Opens the report's output.
     *
     * @param inputs the capture files read: a {@code -o} naming one of them is refused (exit 2)
     */
    static Output open(Path target, List<Path> inputs, PrintWriter stdout) {
        if (toStdout(target)) {
            OutputFile.refuseInputs("-o", target, inputs);   // analyze x.pcap >> x.pcap
            PrintStream bytes = stdout instanceof Stdout s ? s.utf8Bytes() : null;
            if (bytes != null) {
                stdout.flush();
                // PrintStream, like PrintWriter, keeps an error (a closed pipe) for checkError()
                return new Output(stdout, new BufferedOutputStream(bytes, BUFFER), null);
            }
            return new Output(stdout, new Utf8ToWriter(stdout), null);
        }
        OutputFile file = OutputFile.open("-o", target, inputs);
        OutputStream bytes = new BufferedOutputStream(file.stream(), BUFFER);
        Writer w = new BufferedWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), BUFFER);
        return new Output(w, bytes, file);
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
        if (file != null) {
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
        } catch (IOException e) {
            throw new UserError(ExitCode.OUTPUT_ERROR, "cannot write the report: " + reason(e));
        }
        if (file != null) {
            file.commit();
        }
    }

    /** Without {@link #commit}: the -o file is given up (its temporary file removed). */
    @Override
    public void close() {
        if (file != null) {
            file.close();
        }
    }

    /**
     * What went wrong writing a report, in one line: the cause of an {@link java.io.UncheckedIOException}
     * (a renderer's), our own messages as they are, a JDK file error as "NoSuchFile /path".
     */
    static String reason(Exception e) {
        Throwable t = e instanceof java.io.UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        return t instanceof IOException io ? reason(io) : String.valueOf(t.getMessage());
    }

    static String reason(IOException e) {
        String m = e.getMessage();
        if (e.getClass() == IOException.class && m != null) {
            return m;   // the operating system's words ("No space left on device") or our own
        }
        return e.getClass().getSimpleName().replace("Exception", "") + (m != null ? " " + m : "");
    }
}
