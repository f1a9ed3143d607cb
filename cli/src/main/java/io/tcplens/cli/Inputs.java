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

/** Reading capture files and the options every command shares about it. */
final class Inputs {

    private Inputs() {
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

    /** Hands every frame of {@code files}, in order, to {@code handler}; input problems become UserErrors. */
    static void read(List<Path> files, CaptureFiles.Reader reader, FrameHandler handler, List<String> warnings) {
        for (Path file : files) {
            try (PacketSource source = CaptureFiles.open(file, reader)) {
                ReadResult result = source.readAll(handler);
                if (result.warning() != null) {
                    warnings.add(file + ": " + result.warning());
                }
            } catch (CaptureException e) {
                throw new UserError(ExitCode.of(e.reason()), e.getMessage());
            } catch (BpfFilter.FilterFailure e) {
                throw new UserError(ExitCode.of(e.captureException().reason()), e.getMessage());
            }
        }
    }
}
