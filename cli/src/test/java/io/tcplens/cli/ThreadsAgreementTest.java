package io.tcplens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --threads 2} (sessions followed on a second thread while the first reads and decodes) must
 * give the report of {@code --threads 1} byte for byte, with the same exit code and messages: on
 * the sample captures, the public corpus and a generated capture (tens of thousands of segments
 * through the ring between the threads).
 */
class ThreadsAgreementTest {

    @TempDir
    Path tmp;

    static void assertSame(Path capture, String format) {
        AnalyzeCommandTest.Run one = AnalyzeCommandTest.run("analyze", "--threads", "1", "--format", format, capture.toString());
        AnalyzeCommandTest.Run two = AnalyzeCommandTest.run("analyze", "--threads", "2", "--format", format, capture.toString());
        assertEquals(one.code(), two.code(), capture + " " + format + ": exit code");
        assertEquals(one.out(), two.out(), capture + " " + format + ": report");
        assertEquals(one.err(), two.err(), capture + " " + format + ": messages");
    }

    static List<Path> captures(Path dir) throws Exception {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir, 16)) {
            s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".pcap") || n.endsWith(".pcapng") || n.endsWith(".cap");
            }).sorted().forEach(out::add);
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> samples() throws Exception {
        return captures(TsharkFixtures.samples()).stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(),
                () -> {
                    assertSame(p, "jsonl");
                    assertSame(p, "text");
                }));
    }

    @TestFactory
    Stream<DynamicTest> corpus() throws Exception {
        return captures(TsharkFixtures.corpus()).stream().map(p -> DynamicTest.dynamicTest(
                TsharkFixtures.corpus().relativize(p).toString(), () -> assertSame(p, "jsonl")));
    }

    /** a generated capture of ~20 MB (needs python3 and the bench generator) */
    @Test
    void generatedCapture() throws Exception {
        Path gen = Path.of(System.getProperty("tcplens.generator", "../../shared/bench/gen_pcap.py"));
        Assumptions.assumeTrue(Files.isRegularFile(gen), "bench generator not found at " + gen);
        Path pcap = tmp.resolve("gen.pcap");
        Process p;
        try {
            p = new ProcessBuilder("python3", gen.toString(), "--sessions", "400", "--seed", "7", "--out", pcap.toString())
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("gen.log").toFile()).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("python3 not available: " + e.getMessage());
            return;
        }
        Assumptions.assumeTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0,
                "the generator failed: " + Files.readString(tmp.resolve("gen.log")));
        Assumptions.assumeTrue(Files.size(pcap) > 12L << 20, "generated capture smaller than expected");
        assertSame(pcap, "jsonl");
        assertSame(pcap, "csv");
    }
}
