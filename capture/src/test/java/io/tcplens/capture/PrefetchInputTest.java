package io.tcplens.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The reader thread ({@link FileInput#prefetching}) must hand out exactly the frames, and end with
 * exactly the result, of the single-threaded input: on the sample captures and the public corpus,
 * with block sizes from tiny (every record cut by a block boundary, records longer than a block and
 * than the spare room) to the default.
 */
class PrefetchInputTest {

    /** block, spare room in front, pool size */
    static final int[][] SHAPES = {{64, 16, 2}, {100, 40, 3}, {1000, 100, 2}, {4096, 2048, 4},
            {FileInput.BLOCK, FileInput.HEAD, FileInput.BLOCKS}};

    static List<Path> captures() throws Exception {
        List<Path> files = new ArrayList<>(Corpus.captures(Path.of(System.getProperty("tcplens.samples",
                "../sample-pcaps"))));
        Path corpus = Corpus.dir();
        if (corpus != null) {
            files.addAll(Corpus.captures(corpus));
        }
        return files;
    }

    @TestFactory
    Stream<DynamicTest> sameFramesAsSingleThreaded() throws Exception {
        return captures().stream().filter(p -> {
            try {
                return Files.size(p) < (64 << 20);
            } catch (Exception e) {
                return false;
            }
        }).map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            String expected = frames(p, null);
            for (int[] s : SHAPES) {
                assertEquals(expected, frames(p, s), p + " with blocks of " + s[0] + " (+" + s[1] + ") x " + s[2]);
            }
        }));
    }

    /** every frame line, the result and the errors of reading {@code p} (shape null: single-threaded) */
    static String frames(Path p, int[] shape) throws Exception {
        StringBuilder out = new StringBuilder();
        CaptureFiles.Format format;
        try {
            format = CaptureFiles.sniff(p);
        } catch (CaptureException e) {
            return "not a capture";
        }
        FileChannel ch = FileChannel.open(p);
        FileInput in = shape == null ? new FileInput(ch, 4096) : FileInput.prefetching(ch, shape[0], shape[1], shape[2]);
        try (PacketSource src = format == CaptureFiles.Format.PCAPNG ? PcapngFileReader.open(p, in)
                : PcapFileReader.open(p, in)) {
            CorpusFramesTest.Lines lines = new CorpusFramesTest.Lines();
            ReadResult r = src.readAll(lines);
            out.append(lines.sha256()).append(' ').append(lines.lines.size()).append(' ').append(r);
        } catch (CaptureException e) {
            out.append("error ").append(e.reason()).append(' ').append(e.getMessage());
        }
        return out.toString();
    }
}
