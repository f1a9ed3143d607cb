package io.tcplens.cli;

import io.tcplens.capture.CaptureFiles;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The captures an offline command reads ({@code @Mixin}): FILE arguments and tcpdump's {@code -r FILE};
 * {@code -} is standard input ({@code tcpdump -w - | tcplens analyze -}).
 */
final class InputFiles {

    @Option(names = "-r", paramLabel = "FILE",
            description = "read FILE, as tcpdump -r; repeatable, read before the FILE arguments")
    List<Path> readFiles = new ArrayList<>();

    @Parameters(paramLabel = "FILE", arity = "0..*",
            description = "pcap or pcapng captures, read in order as one capture; - is standard input, and a pipe "
                    + "or FIFO (<(zcat x.pcap.gz)) is read as a stream")
    List<Path> arguments = new ArrayList<>();

    /**
     * The inputs: the {@code -r} files in order, then the FILE arguments in order; at least one, and
     * standard input at most once.
     *
     * @throws CommandLine.ParameterException when there is none, or {@code -} is given twice
     */
    List<Path> files(CommandLine cl) {
        List<Path> files = new ArrayList<>(readFiles);
        files.addAll(arguments);
        if (files.isEmpty()) {
            throw new CommandLine.ParameterException(cl,
                    "no capture given: name one (FILE, -r FILE, or - for standard input)");
        }
        if (files.stream().filter(CaptureFiles.STDIN::equals).count() > 1) {
            throw new CommandLine.ParameterException(cl, "standard input (-) can be read only once");
        }
        return List.copyOf(files);
    }
}
