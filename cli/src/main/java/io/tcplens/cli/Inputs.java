package io.tcplens.cli;

import io.tcplens.capture.BpfFilter;
import io.tcplens.capture.CaptureException;
import io.tcplens.capture.CaptureFiles;
import io.tcplens.capture.FrameHandler;
import io.tcplens.capture.PacketSource;
import io.tcplens.capture.ReadResult;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Reading the inputs of a run, one after another as one continuous capture, and the options every
 * command shares about it. Which input problems end a run and which only make it partial is decided
 * here (README, "Complete or partial"): an input that is not a capture (empty, too short for its
 * header, another format) among several is one warning and the others are read (exit 5); a single
 * input that is not a capture, or a run in which no input is one, is exit 4.
 */
final class Inputs {

    private final int count;
    private final CaptureFiles.Reader reader;
    private final BooleanSupplier stop;
    private final List<String> warnings;
    private final List<String> notes;
    /** inputs opened as captures so far */
    private int captures;
    /** the first input that was not a capture, while no input was one */
    private CaptureException firstNotACapture;

    /**
     * @param files    the run's inputs, to count them
     * @param stop     turns true when the run is to stop (SIGINT/SIGTERM): waiting for a FIFO's writer or
     *                 a pipe's bytes then ends
     * @param warnings gets one line per input read only in part (exit 5), "FILE: ..."
     * @param notes    gets one line per input about something that lost no session, "FILE: ..."
     * @throws UserError when an input is missing or unreadable (exit 3): every input is checked before
     *                   the first is read, so such a mistake costs no work and loses no report
     */
    Inputs(List<Path> files, CaptureFiles.Reader reader, BooleanSupplier stop, List<String> warnings,
           List<String> notes) {
        for (Path file : files) {
            try {
                CaptureFiles.checkReadable(file);
            } catch (CaptureException e) {
                throw new UserError(ExitCode.of(e.reason()), e.getMessage());
            }
        }
        this.count = files.size();
        this.reader = reader;
        this.stop = stop;
        this.warnings = warnings;
        this.notes = notes;
    }

    /**
     * Opens {@code file}, or returns null when it is not a capture and the run has other inputs: a
     * warning then names it, and the run reads the others.
     *
     * @throws CaptureException when {@code file} cannot be read, or is the run's only input and not a capture
     */
    PacketSource open(Path file) throws CaptureException {
        try {
            PacketSource source = CaptureFiles.open(file, reader, stop);
            captures++;
            return source;
        } catch (CaptureException e) {
            if (e.reason() != CaptureException.Reason.NOT_A_CAPTURE || count == 1) {
                throw e;
            }
            if (firstNotACapture == null) {
                firstNotACapture = e;
            }
            warnings.add(e.getMessage() + ": skipped it, the other inputs were read");
            return null;
        }
    }

    /** what reading {@code file} gave: its warning and notes are kept */
    void read(Path file, ReadResult result) {
        String name = CaptureFiles.name(file);
        if (result.warning() != null) {
            warnings.add(name + ": " + result.warning());
        }
        for (String note : result.notes()) {
            notes.add(name + ": " + note);
        }
    }

    /**
     * After the last input: a run in which no input was a capture ends with exit 4 (no report).
     *
     * @throws UserError NOT_A_CAPTURE naming the first input, when none was a capture
     */
    void finish() {
        if (captures == 0 && firstNotACapture != null) {
            throw new UserError(ExitCode.NOT_A_CAPTURE, firstNotACapture.getMessage() + (count == 2
                    ? "; the other input is not one either" : "; none of the other " + (count - 1) + " inputs is one either"));
        }
    }

    static CaptureFiles.Reader reader(String name, CommandLine cl) {
        return switch (name) {
            case "builtin" -> CaptureFiles.Reader.BUILTIN;
            case "libpcap" -> CaptureFiles.Reader.LIBPCAP;
            default -> throw new CommandLine.ParameterException(cl, "unknown --reader '" + name + "': use builtin or libpcap");
        };
    }

    /** seconds from the command line as nanoseconds, capped at ~292 years (a long of ns) */
    static long seconds(double s) {
        return Math.round(Math.min(s, 9.2e9) * 1e9);
    }

    /**
     * Hands every frame of {@code files}, in order, to {@code handler} (the drill-in commands), with
     * {@code analyze}'s rules for input problems: a UserError, or a line in {@code warnings} or {@code notes}.
     */
    static void read(List<Path> files, CaptureFiles.Reader reader, FrameHandler handler, List<String> warnings,
                     List<String> notes) {
        Inputs inputs = new Inputs(files, reader, () -> false, warnings, notes);
        for (Path file : files) {
            try (PacketSource source = inputs.open(file)) {
                if (source != null) {
                    inputs.read(file, source.readAll(handler));
                }
            } catch (CaptureException e) {
                throw new UserError(ExitCode.of(e.reason()), e.getMessage());
            } catch (BpfFilter.FilterFailure e) {
                throw new UserError(ExitCode.of(e.captureException().reason()), e.getMessage());
            }
        }
        inputs.finish();
    }

    /**
     * A command that reads its inputs twice ({@code extract}) cannot take a stream.
     *
     * @throws CommandLine.ParameterException naming the first input that is standard input, a pipe or a FIFO
     */
    static void requireFiles(List<Path> files, String why, CommandLine cl) {
        for (Path file : files) {
            if (CaptureFiles.isStream(file)) {
                throw new CommandLine.ParameterException(cl, CaptureFiles.name(file) + " is a pipe or FIFO, but "
                        + why + ": save the capture to a file first (e.g. tcpdump -w FILE), then give FILE");
            }
        }
    }
}
