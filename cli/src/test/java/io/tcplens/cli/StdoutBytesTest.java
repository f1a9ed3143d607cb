package io.tcplens.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real standard output of a child JVM: the line reports' UTF-8 bytes go straight to the stream
 * when the platform charset is UTF-8 ({@link Output.Stdout}), so stdout must carry exactly the bytes
 * {@code -o FILE} writes; under another charset they pass through the writer, as before, and
 * characters that charset lacks become '?'.
 */
class StdoutBytesTest {

    @TempDir
    Path tmp;

    static final Path SAMPLE = Path.of("..", "sample-pcaps", "mixed.pcap");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"jsonl", "csv", "zeek", "text", "html"})
    void stdoutCarriesTheBytesOfTheReportFile(String format) throws Exception {
        Path file = tmp.resolve("report." + format);
        byte[] fileBytes = run("UTF-8", "analyze", "--format", format, "-o", file.toString(), SAMPLE.toString());
        assertEquals(0, fileBytes.length, "with -o nothing goes to stdout");
        byte[] expected = Files.readAllBytes(file);
        byte[] stdout = run("UTF-8", "analyze", "--format", format, SAMPLE.toString());
        if (format.equals("html") || format.equals("zeek")) {
            // the page and the log carry the time they were made (html "generated", zeek #open/#close)
            assertEquals(withoutClock(expected), withoutClock(stdout));
        } else {
            assertArrayEquals(expected, stdout);
        }
        if (format.equals("text")) {
            assertTrue(new String(stdout, StandardCharsets.UTF_8).contains("→"), "the timeline's arrows, as UTF-8");
            String ascii = new String(run("US-ASCII", "analyze", "--format", format, SAMPLE.toString()),
                    StandardCharsets.US_ASCII);
            assertEquals(new String(expected, StandardCharsets.UTF_8).replaceAll("[^\\x00-\\x7F]", "?"), ascii);
        } else if (!format.equals("html")) {
            assertEquals(withoutClock(expected), withoutClock(run("US-ASCII", "analyze", "--format", format,
                    SAMPLE.toString())), "an ASCII report is the same under any charset");
        }
    }

    /** the report without the lines that carry the time it was made */
    private static String withoutClock(byte[] report) {
        return new String(report, StandardCharsets.UTF_8).replaceAll("(?m)^(.*[Gg]enerated.*|#open\t.*|#close\t.*)$", "");
    }

    private byte[] run(String encoding, String... args) throws Exception {
        Process p = new ProcessBuilder(SignalsAndPipesTest.command(List.of("-Dfile.encoding=" + encoding), args))
                .redirectError(tmp.resolve("err.txt").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("err.txt")));
        return out;
    }
}
