package io.tcplens.cli;

import io.tcplens.analyzer.testing.Frames;
import io.tcplens.capture.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tcplens.cli.AnalyzeCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Session ids are the same in analyze, show and extract for the same input and session options,
 * also once the session table is full and evicts (issue 13, item 15): an evicted 4-tuple's next
 * packet starts a new session with the next id, so show and extract must evict exactly as analyze does.
 */
class SessionIdAgreementTest {

    @TempDir
    Path tmp;

    /** 10 clients, a table of 4: every session of round 1 but the last 4 is evicted, and so is every one of round 2 */
    private static final int CLIENTS = 10;
    private static final String CAP = "4";
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long MS = 1_000_000L;

    /** what a session must be: derived from how {@link #writeCapture} builds the input, not from tcplens */
    record Expected(String client, int clientPort, long startNs, int packets) {
    }

    private static String clientAddr(int i) {
        return "10.0.0." + (i + 1);
    }

    /**
     * Round 1: client i sends a SYN at T0 + i ms (ids 0..9). With room for 4, each SYN from the 5th on
     * evicts the longest-idle session, so at the end of round 1 the table holds ids 6..9. Round 2: from
     * T0 + 100 ms + 10 i ms, the server answers client i with i % 3 + 1 packets (SYN-ACK, then the client's
     * ACK, then 10 bytes of data). Client i's 4-tuple is no longer in the table (ids 0..5 were evicted in
     * round 1, 6..9 by the first new sessions of round 2, and each new one of round 2 is gone four clients
     * later), so its first packet starts session 10 + i, which gets all its packets.
     */
    private static Path writeCapture(Path file) throws IOException {
        try (PcapWriter w = new PcapWriter(file, 1, 65535, true)) {
            for (int i = 0; i < CLIENTS; i++) {
                byte[] syn = Frames.tcp(clientAddr(i), 40000 + i, "10.0.1.1", 80).syn().seq(1000L * i).build();
                w.write(T0 + i * MS, syn, 0, syn.length, syn.length);
            }
            for (int i = 0; i < CLIENTS; i++) {
                long t = T0 + 100 * MS + 10L * i * MS;
                byte[][] answer = {
                    Frames.tcp("10.0.1.1", 80, clientAddr(i), 40000 + i).syn().seq(5000).ack(1000L * i + 1).build(),
                    Frames.tcp(clientAddr(i), 40000 + i, "10.0.1.1", 80).seq(1000L * i + 1).ack(5001).build(),
                    Frames.tcp(clientAddr(i), 40000 + i, "10.0.1.1", 80).psh().seq(1000L * i + 1).ack(5001).payload(10)
                            .build()};
                for (int j = 0; j < i % 3 + 1; j++) {
                    w.write(t + j * MS, answer[j], 0, answer[j].length, answer[j].length);
                }
            }
        }
        return file;
    }

    private static Expected expected(long id) {
        int i = (int) (id % CLIENTS);
        return id < CLIENTS ? new Expected(clientAddr(i), 40000 + i, T0 + i * MS, 1)
                : new Expected(clientAddr(i), 40000 + i, T0 + 100 * MS + 10L * i * MS, i % 3 + 1);
    }

    private static Expected fromJson(Map<String, Object> r) {
        assertEquals("10.0.1.1", r.get("server_addr"));
        assertEquals(80L, r.get("server_port"));
        return new Expected((String) r.get("client_addr"), ((Number) r.get("client_port")).intValue(),
                (Long) r.get("start_ns"), (int) ((Long) r.get("packets_c2s") + (Long) r.get("packets_s2c")));
    }

    private static final Pattern HEADER = Pattern.compile("^#(\\d+)  ([\\d.]+):(\\d+) → 10\\.0\\.1\\.1:80  IPv4  .*  (\\d+) pkts? .*");

    @Test
    void showAndExtractDescribeAnalyzesSessionAfterEviction() throws Exception {
        Path pcap = writeCapture(tmp.resolve("evicting.pcap"));
        AnalyzeCommandTest.Run analyze = run("analyze", "--format", "jsonl", "--max-sessions", CAP, pcap.toString());
        assertEquals(0, analyze.code(), analyze.err());
        assertEquals("tcplens: note: 16 sessions were evicted (end_reason evicted) to keep at most 4 sessions open at once",
                analyze.err().strip());
        List<Map<String, Object>> records = LiveCaptureTest.records(analyze.out());
        assertEquals(2 * CLIENTS, records.size());
        for (int id = 0; id < 2 * CLIENTS; id++) {
            assertEquals((long) id, records.get(id).get("id"));
            assertEquals(expected(id), fromJson(records.get(id)), "analyze #" + id);
        }

        for (long k : new long[] {4, 7, 10, 13, 15, 19}) {
            Expected want = expected(k);
            // show: the ladder's header names the 4-tuple and the packet count; its JSON lines the times
            AnalyzeCommandTest.Run text = run("show", "--max-sessions", CAP, "--session", Long.toString(k), pcap.toString());
            assertEquals(0, text.code(), text.err());
            Matcher m = HEADER.matcher(text.out().lines().findFirst().orElse(""));
            assertTrue(m.matches(), text.out());
            assertEquals(want, new Expected(m.group(2), Integer.parseInt(m.group(3)), want.startNs(),
                    Integer.parseInt(m.group(4))), "show #" + k);
            assertEquals(Long.toString(k), m.group(1));
            AnalyzeCommandTest.Run jsonl = run("show", "--max-sessions", CAP, "--session", Long.toString(k),
                    "--format", "jsonl", pcap.toString());
            assertEquals(0, jsonl.code(), jsonl.err());
            List<String> packets = jsonl.out().lines().toList();
            assertEquals(want.packets(), packets.size(), jsonl.out());
            assertTrue(packets.get(0).startsWith("{\"session\":" + k + ",\"no\":1,\"ts_ns\":" + want.startNs() + ","),
                    packets.get(0));

            // extract, then analyze the extracted file: the one session in it is analyze's #k
            Path out = tmp.resolve("s" + k + ".pcap");
            AnalyzeCommandTest.Run extract = run("extract", "--max-sessions", CAP, "--session", Long.toString(k),
                    "-w", out.toString(), pcap.toString());
            assertEquals(0, extract.code(), extract.err());
            assertTrue(extract.err().startsWith("tcplens: wrote " + want.packets() + " frame"), extract.err());
            AnalyzeCommandTest.Run again = run("analyze", "--format", "jsonl", out.toString());
            assertEquals(0, again.code(), again.err());
            List<Map<String, Object>> one = LiveCaptureTest.records(again.out());
            assertEquals(1, one.size(), again.out());
            assertEquals(want, fromJson(one.get(0)), "extract #" + k);
        }
    }

    // ------------------------------------------------------------------ a SYN flood through show and extract

    private static final int SYNS = 500_000;

    /** SYNs from 10.1.x.y, each from another port, all within 0.5 s: none ends by itself */
    static Path writeSynFlood(Path file, int syns) throws IOException {
        byte[] f = Frames.tcp("10.1.0.0", 1024, "192.0.2.1", 80).syn().build();
        try (PcapWriter w = new PcapWriter(file, 1, 65535, false)) {
            for (int i = 0; i < syns; i++) {
                int host = i / 60_000;
                int port = 1024 + i % 60_000;
                f[28] = (byte) (host >> 8);   // source address 10.1.<host>
                f[29] = (byte) host;
                f[34] = (byte) (port >> 8);   // source port
                f[35] = (byte) port;
                w.write(T0 + i * 1_000L, f, 0, f.length, f.length);
            }
        }
        return file;
    }

    private static String floodClient(int i) {
        return "10.1." + (i / 60_000 >> 8) + "." + (i / 60_000 & 0xFF) + ":" + (1024 + i % 60_000);
    }

    @Test
    void showAndExtractKeepTheTableWithinMaxSessionsInASynFlood() throws Exception {
        Path flood = writeSynFlood(tmp.resolve("flood.pcap"), SYNS);
        String note = "tcplens: note: " + (SYNS - 1000) + " sessions were evicted (end_reason evicted) to keep at most "
                + "1000 sessions open at once";
        int k = SYNS - 1;
        AnalyzeCommandTest.Run show = run("show", "--max-sessions", "1000", "--session", Integer.toString(k), flood.toString());
        assertEquals(0, show.code(), show.err());
        assertEquals(note, show.err().strip());
        assertTrue(show.out().startsWith("#" + k + "  " + floodClient(k) + " → 192.0.2.1:80  IPv4  "), show.out());

        Path out = tmp.resolve("last.pcap");
        AnalyzeCommandTest.Run extract = run("extract", "--max-sessions", "1000", "--session", "123456", "-w",
                out.toString(), flood.toString());
        assertEquals(0, extract.code(), extract.err());
        assertEquals(List.of("tcplens: wrote 1 frame of session 123456 to " + out, note), extract.errLines());
        AnalyzeCommandTest.Run again = run("analyze", "--brief", out.toString());
        assertTrue(again.out().startsWith("#0  " + floodClient(123456) + " → 192.0.2.1:80  IPv4  "), again.out());
    }

    /**
     * Without --max-sessions, show takes analyze's default for the heap: in a child JVM of 256 MiB,
     * 65,536 sessions (max heap / 4096 bytes), so the 500,000 SYNs finish instead of running out of memory.
     */
    @Test
    void showWithTheDefaultCapFinishesASynFloodIn256MiB() throws Exception {
        Path flood = writeSynFlood(tmp.resolve("flood.pcap"), SYNS);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(SignalsAndPipesTest.command("show", "--session", "0", flood.toString()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "show did not finish in 120 s");
        List<String> stderr = Files.readAllLines(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join("\n", stderr));
        assertEquals(1, stderr.size(), String.join("\n", stderr));
        Matcher m = Pattern.compile("tcplens: note: (\\d+) sessions were evicted \\(end_reason evicted\\) to keep at most "
                + "(\\d+) sessions open at once \\(the default for this heap; session ids depend on it: give "
                + "--max-sessions (\\d+) to show, extract or analyze to number the sessions the same way with any heap\\)")
                .matcher(stderr.get(0));
        assertTrue(m.matches(), stderr.get(0));
        long cap = Long.parseLong(m.group(2));
        assertEquals(SessionCap.defaultFor(256L << 20), cap, "the default for -Xmx256m: 256 MiB / 4096");
        assertEquals(SYNS - cap, Long.parseLong(m.group(1)));
        assertEquals(cap, Long.parseLong(m.group(3)));
        assertTrue(Files.readString(out).startsWith("#0  " + floodClient(0) + " → 192.0.2.1:80"));
    }
}
