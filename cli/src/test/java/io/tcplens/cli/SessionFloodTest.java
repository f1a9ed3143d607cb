package io.tcplens.cli;

import io.tcplens.capture.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Session-table flood (issue 8): one million half-open SYNs, each from another source port, all
 * within one second, analysed by a child JVM limited to a 256 MiB heap. It completes, reports every
 * session, and says how many were evicted to stay within the table cap.
 */
class SessionFloodTest {

    private static final int SYNS = 1_000_000;

    @TempDir
    Path tmp;

    /** Ethernet + IPv4 + TCP SYN, 54 bytes; source 10.0.x.y:port varies, destination 192.0.2.1:80 */
    private static void writeFlood(Path file) throws IOException {
        byte[] f = new byte[54];
        byte[] head = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0,
            0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 0, (byte) 192, 0, 2, 1};
        System.arraycopy(head, 0, f, 0, head.length);
        f[34 + 2] = 0;
        f[34 + 3] = 80;                 // destination port 80
        f[34 + 12] = 0x50;              // data offset 5
        f[34 + 13] = 0x02;              // SYN
        f[34 + 14] = (byte) 0xFA;       // window 64240
        f[34 + 15] = (byte) 0xF0;
        try (PcapWriter w = new PcapWriter(file, 1, 65535, false)) {
            for (int i = 0; i < SYNS; i++) {
                int host = i / 60_000;
                int port = 1024 + i % 60_000;
                f[28] = (byte) (host >> 8);
                f[29] = (byte) host;
                f[34] = (byte) (port >> 8);
                f[35] = (byte) port;
                f[38] = (byte) (i >> 24);   // sequence number
                f[39] = (byte) (i >> 16);
                f[40] = (byte) (i >> 8);
                f[41] = (byte) i;
                w.write(1_700_000_000_000_000_000L + i * 1_000L, f, 0, f.length, f.length);
            }
        }
    }

    @Test
    void aMillionHalfOpenSynsFitIn256MiB() throws Exception {
        Path flood = tmp.resolve("syn-flood.pcap");
        writeFlood(flood);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(SignalsAndPipesTest.command("analyze", "--brief", flood.toString()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the flood run did not finish in 180 s");
        List<String> stderr = Files.readAllLines(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join("\n", stderr));
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals("1000000 sessions: 1000000 no answer", lines.get(lines.size() - 2));
        assertEquals("1000000 frames read: 1000000 TCP, 0 other", lines.get(lines.size() - 1));
        assertEquals(SYNS, lines.stream().filter(l -> l.startsWith("#")).count());
        // the default cap for a 256 MiB heap is max heap / 4096 bytes; every session beyond it is evicted
        assertEquals(1, stderr.size(), String.join("\n", stderr));
        assertTrue(stderr.get(0).matches("tcplens: note: \\d+ sessions were evicted \\(end_reason evicted\\) to keep at "
                + "most \\d+ sessions open at once \\(the default for this heap; session ids depend on it: give "
                + "--max-sessions \\d+ to show, extract or analyze to number the sessions the same way with any heap\\)"),
                stderr.get(0));
        long evicted = Long.parseLong(stderr.get(0).split(" ")[2]);
        long cap = Long.parseLong(stderr.get(0).replaceAll(".*at most (\\d+) sessions.*", "$1"));
        assertEquals(SYNS - cap, evicted);   // all SYNs arrive within 1 s: none idles out, each one over the cap evicts one
    }
}
