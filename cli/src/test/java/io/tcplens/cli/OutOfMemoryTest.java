package io.tcplens.cli;

import io.tcplens.analyzer.testing.Frames;
import io.tcplens.capture.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exit 12: a heap too small for the run ends in one line that names the heap and what to do, and
 * no cause tcplens cannot know (issue 13: it blamed concurrent sessions when millions had ended
 * behind one long session).
 */
class OutOfMemoryTest {

    @TempDir
    Path tmp;

    @Test
    void aHeapTooSmallIsOneLineNamingTheHeap() throws Exception {
        // 200,000 SYNs nobody answers, all open at once (~1.5 kB each), the cap lifted, in a 32 MiB heap
        Path pcap = tmp.resolve("syns.pcap");
        try (PcapWriter w = new PcapWriter(pcap, 101, 65535, false)) {
            for (int i = 0; i < 200_000; i++) {
                byte[] f = Frames.tcp("10.3." + (i / 60_000) + ".1", 1024 + i % 60_000, "10.4.0.1", 80).syn().seq(i)
                        .link(Frames.Link.RAW).build();
                w.write(1_700_000_000_000_000_000L + i * 1_000L, f, 0, f.length, f.length);
            }
        }
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(SignalsAndPipesTest.command(List.of("-Xmx32m"), "analyze", "--threads", "1",
                "--max-sessions", "10000000", "--format", "jsonl", "-o", tmp.resolve("out.jsonl").toString(), pcap.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run did not finish in 120 s");
        List<String> stderr = Files.readAllLines(err, StandardCharsets.UTF_8);
        assertEquals(ExitCode.OUT_OF_MEMORY, p.exitValue(), String.join("\n", stderr));
        assertEquals(1, stderr.size(), String.join("\n", stderr));
        assertTrue(stderr.get(0).matches("tcplens: out of memory: the Java heap \\(at most (2\\d|3[0-2]) MiB\\) is too small "
                + "for this run; give Java more memory \\(JAVA_OPTS=-Xmx4g \\./tcplens \\.\\.\\.\\), or, if many sessions "
                + "are open at once, cap them \\(--max-sessions N\\)"), stderr.get(0));
        assertTrue(Files.notExists(tmp.resolve("out.jsonl")), "no report: -o is written whole or not at all");
    }
}
