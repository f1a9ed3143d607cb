package io.tcplens.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tcplens.capture.LibpcapFileReader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tcplens analyze} run in-process through {@link Main#run} on the sample captures.
 *
 * <p>Expected values come from the capture bytes as tshark 4.0 shows them, e.g.
 * {@code tshark -r sample-pcaps/X.pcap -T fields -e frame.number -e frame.time_epoch -e tcp.stream
 * -e tcp.srcport -e tcp.dstport -e tcp.flags.str -e tcp.len -e tcp.seq -e tcp.ack -e tcp.window_size_value},
 * and are hand-computed from those numbers as noted: durations are last minus first
 * frame.time_epoch, "bytes" in the header is the sum of tcp.len (TCP payload), packets the number
 * of frames of the stream.
 */
class AnalyzeCommandTest {

    static final Path SAMPLES = TsharkFixtures.samples();

    @TempDir
    Path tmp;

    /** one in-process run of the command line */
    record Run(int code, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    static String sample(String name) {
        Path p = SAMPLES.resolve(name);
        assertTrue(Files.isRegularFile(p), "sample capture missing: " + p);
        return p.toString();
    }

    // ------------------------------------------------------------------ text timeline per sample

    /**
     * file, exact header line, exact session footer line, frames footer line, strings the timeline
     * must contain. Header values from tshark (see the class comment):
     * <ul>
     *   <li>client-close: client port 48914, 10 frames, tcp.len 18 + 27 = 45 B,
     *       .084961 - .084375 = 586 µs</li>
     *   <li>server-close (ns pcap): port 34900, 10 frames, 45 B, .589635439 - .589047877 = 587562 ns → "587 µs"</li>
     *   <li>refused: port 54800, 2 frames (SYN, RST,ACK), 0 B, .150056 - .150045 = 11 µs</li>
     *   <li>reset: port 43758, 10 frames, 11 + 27 + 22 = 60 B, .793698 - .492853 = 300.845 ms, the RST is the last frame</li>
     *   <li>half-close: port 33616, 14 frames, 16 + 3 × 101 = 319 B, .441653 - .340483 = 101.170 ms</li>
     *   <li>no-answer: port 30007, 3 SYNs, 0 B, 280.891285 - 278.844336 = 2.046949 s → "2.047 s"</li>
     *   <li>ipv6: port 57102, 10 frames, 45 B, .998958 - .998298 = 660 µs</li>
     * </ul>
     */
    static Stream<Arguments> singleSessionSamples() {
        String closedClient = "1 session: 1 closed (1 client first, 0 server first)";
        return Stream.of(
                Arguments.of("client-close.pcap",
                        "#0  127.0.0.1:48914 → 127.0.0.1:9001  IPv4  586 µs  10 pkts  45 B  complete, client closed first",
                        closedClient, "10 frames read: 10 TCP, 0 other",
                        List.of("connect()", "accept() returns", "TIME_WAIT")),
                Arguments.of("server-close.pcap",
                        "#0  127.0.0.1:34900 → 127.0.0.1:9002  IPv4  587 µs  10 pkts  45 B  complete, server closed first",
                        "1 session: 1 closed (0 client first, 1 server first)", "10 frames read: 10 TCP, 0 other",
                        List.of("connect()", "accept() returns", "server TIME_WAIT")),
                Arguments.of("refused.pcap",
                        "#0  127.0.0.1:54800 → 127.0.0.1:9003  IPv4  11 µs  2 pkts  0 B  refused: SYN answered by RST",
                        "1 session: 1 refused", "2 frames read: 2 TCP, 0 other",
                        List.of("connect()", "ECONNREFUSED")),
                Arguments.of("reset.pcap",
                        "#0  127.0.0.1:43758 → 127.0.0.1:9004  IPv4  300.845 ms  10 pkts  60 B  reset by server 300.845 ms in",
                        "1 session: 1 reset", "10 frames read: 10 TCP, 0 other",
                        List.of("connect()", "accept() returns", "server aborts the connection")),
                Arguments.of("half-close.pcap",
                        "#0  127.0.0.1:33616 → 127.0.0.1:9005  IPv4  101.170 ms  14 pkts  319 B  complete, client closed first, half-close",
                        closedClient, "14 frames read: 14 TCP, 0 other",
                        List.of("connect()", "accept() returns", "client TIME_WAIT",
                                "client → server 16 B in 1 segment, server → client 303 B in 3 segments")),
                Arguments.of("no-answer.pcap",
                        "#0  127.0.0.1:30007 → 127.0.0.1:9007  IPv4  2.047 s  3 pkts  0 B  no answer: 3 SYNs in 2.047 s",
                        "1 session: 1 no answer", "3 frames read: 3 TCP, 0 other",
                        List.of("connect()", "(2 retries)")),
                Arguments.of("ipv6-client-close.pcap",
                        "#0  [::1]:57102 → [::1]:9006  IPv6  660 µs  10 pkts  45 B  complete, client closed first",
                        closedClient, "10 frames read: 10 TCP, 0 other",
                        List.of("connect()", "accept() returns", "client TIME_WAIT")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleSessionSamples")
    void textReportOfOneSession(String file, String header, String footer, String frames, List<String> timeline) {
        Run r = run("analyze", sample(file));
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.outLines();
        assertEquals(header, lines.get(0));
        assertEquals(footer, lines.get(lines.size() - 2));
        assertEquals(frames, lines.get(lines.size() - 1));
        String body = String.join("\n", lines.subList(1, lines.size() - 2));
        for (String s : timeline) {
            assertTrue(body.contains(s), file + ": timeline lacks \"" + s + "\":\n" + r.out());
        }
        // one session: exactly one header line
        assertEquals(1, lines.stream().filter(l -> l.startsWith("#")).count());
    }

    @Test
    void clientCloseTimelineSteps() {
        // tshark: SYN at +0, SYN,ACK at .084389-.084375 = +14 µs, ACK +29 µs, client FIN,ACK (frame 8)
        // at .084888 = +513 µs, server FIN,ACK (frame 9) +574 µs, last ACK (frame 10) +586 µs
        Run r = run("analyze", sample("client-close.pcap"));
        List<String> l = r.outLines();
        assertTrue(l.get(1).startsWith("  handshake  +0.000000  client →  SYN          connect()"), l.get(1));
        assertTrue(l.get(2).startsWith("  handshake  +0.000014  server ←  SYN-ACK"), l.get(2));
        assertTrue(l.get(3).startsWith("  handshake  +0.000029  client →  ACK          handshake complete: server accept() returns"),
                l.get(3));
        assertTrue(l.get(3).endsWith("initial RTT 29 µs"), l.get(3));
        assertTrue(l.get(5).startsWith("  close      +0.000513  client →  FIN"), l.get(5));
        assertTrue(l.get(6).startsWith("  close      +0.000574  server ←  FIN,ACK"), l.get(6));
        assertTrue(l.get(6).endsWith("client TIME_WAIT"), l.get(6));
        assertTrue(l.get(7).startsWith("  close      +0.000586  client →  ACK of FIN"), l.get(7));
    }

    /**
     * mixed.pcap, per tcp.stream from tshark: client port, first/last frame.time_epoch (µs of
     * 1795614282.6xxxxx), sum of tcp.len. Durations are last - first.
     */
    static final List<String> MIXED_HEADERS = List.of(
            // stream 0: 35170, .664386 .. .667540 = 3.154 ms, 18 + 27 B, server FIN first (frame 34)
            "#0  127.0.0.1:35170 → 127.0.0.1:9008  IPv4  3.154 ms  10 pkts  45 B  complete, server closed first",
            // stream 1: 35182, .664559 .. .669062 = 4.503 ms, client FIN first (frame 43)
            "#1  127.0.0.1:35182 → 127.0.0.1:9008  IPv4  4.503 ms  10 pkts  45 B  complete, client closed first",
            // stream 2: 35192, .664566 .. .969235 = 304.669 ms, 11 + 22 + 27 B, RST,ACK from 9008 last
            "#2  127.0.0.1:35192 → 127.0.0.1:9008  IPv4  304.669 ms  10 pkts  60 B  reset by server 304.669 ms in",
            // stream 3: 35204, .664702 .. .768957 = 104.255 ms, 16 + 303 B
            "#3  127.0.0.1:35204 → 127.0.0.1:9008  IPv4  104.255 ms  14 pkts  319 B  complete, client closed first, half-close",
            // stream 4: 35212, .664884 .. .669595 = 4.711 ms, server FIN first (frame 51)
            "#4  127.0.0.1:35212 → 127.0.0.1:9008  IPv4  4.711 ms  10 pkts  45 B  complete, server closed first",
            // stream 5: 35220, .665595 .. .669660 = 4.065 ms, client FIN first (frame 54)
            "#5  127.0.0.1:35220 → 127.0.0.1:9008  IPv4  4.065 ms  10 pkts  45 B  complete, client closed first");

    static final String MIXED_FOOTER = "6 sessions: 5 closed (3 client first, 2 server first), 1 reset";

    @Test
    void mixedHasSixSessionsInIdOrder() {
        Run r = run("analyze", sample("mixed.pcap"));
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        List<String> headers = r.outLines().stream().filter(l -> l.startsWith("#")).toList();
        assertEquals(MIXED_HEADERS, headers);
        List<String> lines = r.outLines();
        assertEquals(MIXED_FOOTER, lines.get(lines.size() - 2));
        assertEquals("64 frames read: 64 TCP, 0 other", lines.get(lines.size() - 1));
    }

    @Test
    void briefPrintsHeaderLinesOnly() {
        Run r = run("analyze", "--brief", sample("mixed.pcap"));
        assertEquals(0, r.code(), r.err());
        List<String> expected = new ArrayList<>(MIXED_HEADERS);
        expected.add("verdicts:");
        expected.add("       5  ok");
        expected.add("       1  reset_by_server      #2");
        expected.add(MIXED_FOOTER);
        expected.add("64 frames read: 64 TCP, 0 other");
        assertEquals(expected, r.outLines());
    }

    @Test
    void twoFilesAreOneRun() {
        // refused.pcap (t = 1795614272.15) then no-answer.pcap (t = 1795614278.84): 2 + 3 frames
        Run r = run("analyze", "--brief", sample("refused.pcap"), sample("no-answer.pcap"));
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(
                "#0  127.0.0.1:54800 → 127.0.0.1:9003  IPv4  11 µs  2 pkts  0 B  refused: SYN answered by RST",
                "#1  127.0.0.1:30007 → 127.0.0.1:9007  IPv4  2.047 s  3 pkts  0 B  no answer: 3 SYNs in 2.047 s",
                "verdicts:",
                "       1  no_answer            #1",
                "       1  port_closed          #0",
                "2 sessions: 1 refused, 1 no answer",
                "5 frames read: 5 TCP, 0 other"), r.outLines());
    }

    // ------------------------------------------------------------------ JSON Lines

    static final List<String> CONTRACT_KEYS = List.of("id", "ip_version", "client_addr", "client_port",
            "server_addr", "server_port", "client_basis", "start_ns", "end_ns", "packets_c2s", "packets_s2c",
            "bytes_c2s", "bytes_s2c", "syn_packets", "synack_packets", "fin_c2s", "fin_s2c", "rst_c2s", "rst_s2c",
            "handshake.status", "handshake.syn_ns", "handshake.synack_ns", "handshake.ack_ns", "handshake.rtt_ns",
            "close.initiator", "close.kind", "close.complete");

    /** one JSON object, nested objects flattened to "outer.inner"; values as Long, String, Boolean or null */
    static Map<String, Object> parseObjectLine(JsonFactory f, String line) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        try (JsonParser p = f.createParser(line)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken(), line);
            readObject(p, "", m);
            assertNull(p.nextToken(), "more than one JSON value on a line: " + line);
        }
        return m;
    }

    private static void readObject(JsonParser p, String prefix, Map<String, Object> m) throws IOException {
        for (int guard = 0; guard < 1000; guard++) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.END_OBJECT) {
                return;
            }
            assertEquals(JsonToken.FIELD_NAME, t);
            String name = prefix + p.currentName();
            assertFalse(m.containsKey(name), "duplicate key " + name);
            JsonToken v = p.nextToken();
            switch (v) {
                case START_OBJECT -> readObject(p, name + ".", m);
                case VALUE_NUMBER_INT -> m.put(name, p.getLongValue());
                case VALUE_STRING -> m.put(name, p.getText());
                case VALUE_TRUE, VALUE_FALSE -> m.put(name, p.getBooleanValue());
                case VALUE_NULL -> m.put(name, null);
                default -> throw new AssertionError("unexpected " + v + " for " + name);
            }
        }
        throw new AssertionError("object too long");
    }

    @Test
    void jsonLinesOnMixed() throws IOException {
        Run r = run("analyze", "--format", "jsonl", sample("mixed.pcap"));
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.outLines();
        assertEquals(6, lines.size(), r.out());
        JsonFactory f = new JsonFactory();
        List<Map<String, Object>> objs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> o = parseObjectLine(f, lines.get(i));
            assertEquals((long) i, o.get("id"));
            for (String k : CONTRACT_KEYS) {
                assertTrue(o.containsKey(k), "line " + i + " lacks " + k + ": " + lines.get(i));
            }
            objs.add(o);
        }
        // per tcp.stream, from tshark (-e tcp.stream -e tcp.dstport -e tcp.len -e frame.time_epoch; c2s = dstport 9008):
        // {client_port, packets_c2s, packets_s2c, bytes_c2s, bytes_s2c, start_ns, end_ns}
        long[][] tshark = {
            {35170, 5, 5, 18, 27, 1795614282664386000L, 1795614282667540000L},
            {35182, 6, 4, 18, 27, 1795614282664559000L, 1795614282669062000L},
            {35192, 5, 5, 33, 27, 1795614282664566000L, 1795614282969235000L},
            {35204, 8, 6, 16, 303, 1795614282664702000L, 1795614282768957000L},
            {35212, 5, 5, 18, 27, 1795614282664884000L, 1795614282669595000L},
            {35220, 6, 4, 18, 27, 1795614282665595000L, 1795614282669660000L},
        };
        String[] keys = {"client_port", "packets_c2s", "packets_s2c", "bytes_c2s", "bytes_s2c", "start_ns", "end_ns"};
        for (int i = 0; i < 6; i++) {
            for (int k = 0; k < keys.length; k++) {
                assertEquals(tshark[i][k], objs.get(i).get(keys[k]), "session " + i + " " + keys[k]);
            }
            assertEquals(4L, objs.get(i).get("ip_version"));
            assertEquals("127.0.0.1", objs.get(i).get("client_addr"));
            assertEquals("127.0.0.1", objs.get(i).get("server_addr"));
            assertEquals(9008L, objs.get(i).get("server_port"));
        }
        // stream 3 (half-close) in full: frames 10 SYN, 11 SYN,ACK, 12 ACK, 29 client FIN,ACK,
        // 62 server FIN,ACK (acked by frame 63); rtt = ack - syn = .664713 - .664702
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("id", 3L);
        expected.put("ip_version", 4L);
        expected.put("client_addr", "127.0.0.1");
        expected.put("client_port", 35204L);
        expected.put("server_addr", "127.0.0.1");
        expected.put("server_port", 9008L);
        expected.put("client_basis", "syn");
        expected.put("start_ns", 1795614282664702000L);
        expected.put("end_ns", 1795614282768957000L);
        expected.put("packets_c2s", 8L);
        expected.put("packets_s2c", 6L);
        expected.put("bytes_c2s", 16L);
        expected.put("bytes_s2c", 303L);
        expected.put("syn_packets", 1L);
        expected.put("synack_packets", 1L);
        expected.put("fin_c2s", 1L);
        expected.put("fin_s2c", 1L);
        expected.put("rst_c2s", 0L);
        expected.put("rst_s2c", 0L);
        expected.put("handshake.status", "complete");
        expected.put("handshake.syn_ns", 1795614282664702000L);
        expected.put("handshake.synack_ns", 1795614282664707000L);
        expected.put("handshake.ack_ns", 1795614282664713000L);
        expected.put("handshake.rtt_ns", 11000L);
        expected.put("close.initiator", "client");
        expected.put("close.kind", "fin");
        expected.put("close.complete", true);
        Map<String, Object> actual = new LinkedHashMap<>();
        for (String k : CONTRACT_KEYS) {
            actual.put(k, objs.get(3).get(k));
        }
        assertEquals(expected, actual);
        // stream 2: one RST,ACK from the server (frame 64), no FIN
        assertEquals(1L, objs.get(2).get("rst_s2c"));
        assertEquals(0L, objs.get(2).get("rst_c2s"));
        assertEquals(0L, objs.get(2).get("fin_c2s"));
        assertEquals(0L, objs.get(2).get("fin_s2c"));
        assertEquals("rst", objs.get(2).get("close.kind"));
        assertEquals("server", objs.get(2).get("close.initiator"));
        assertEquals(false, objs.get(2).get("close.complete"));
    }

    @Test
    void jsonLinesWithSessionGivesThatRecordOnly() throws IOException {
        Run r = run("analyze", "--format", "jsonl", "--session", "4", sample("mixed.pcap"));
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.outLines();
        assertEquals(1, lines.size(), r.out());
        Map<String, Object> o = parseObjectLine(new JsonFactory(), lines.get(0));
        assertEquals(4L, o.get("id"));
        assertEquals(35212L, o.get("client_port")); // tcp.stream 4 from tshark
        assertEquals("server", o.get("close.initiator"));
    }

    // ------------------------------------------------------------------ --session ID

    @Test
    void sessionPrintsEveryPacketWithItsPhase() {
        Run r = run("analyze", "--session", "0", sample("half-close.pcap"));
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.outLines();
        assertEquals(2 + 14, lines.size(), r.out()); // header, column names, 14 packets
        assertEquals("#0  127.0.0.1:33616 → 127.0.0.1:9005  IPv4  101.170 ms  14 pkts  319 B  "
                + "complete, client closed first, half-close", lines.get(0));
        assertTrue(lines.get(1).contains("phase"), lines.get(1));
        // tshark -r half-close.pcap -T fields -e frame.number -e tcp.srcport -e tcp.flags.str -e tcp.seq
        //   -e tcp.ack -e tcp.len -e tcp.window_size_value (relative seq/ack; ack "-" without the ACK flag),
        // flags in tcpdump letters; phase: SYN or the completing ACK = handshake, FIN or an empty
        // segment after a FIN = close, otherwise data
        String[][] want = {
            {"1", "c→s", "S", "0", "-", "0", "65495", "handshake"},
            {"2", "c←s", "S.", "0", "1", "0", "65483", "handshake"},
            {"3", "c→s", ".", "1", "1", "0", "64", "handshake"},
            {"4", "c→s", "P.", "1", "1", "16", "64", "data"},
            {"5", "c←s", ".", "1", "17", "0", "64", "data"},
            {"6", "c→s", "F.", "17", "1", "0", "64", "close"},
            {"7", "c←s", "P.", "1", "18", "101", "64", "data"},
            {"8", "c→s", ".", "18", "102", "0", "64", "close"},
            {"9", "c←s", "P.", "102", "18", "101", "64", "data"},
            {"10", "c→s", ".", "18", "203", "0", "64", "close"},
            {"11", "c←s", "P.", "203", "18", "101", "64", "data"},
            {"12", "c→s", ".", "18", "304", "0", "64", "close"},
            {"13", "c←s", "F.", "304", "18", "0", "64", "close"},
            {"14", "c→s", ".", "18", "305", "0", "64", "close"},
        };
        // time offsets from frame.time_epoch - .340483 (µs)
        String[] offsets = {"+0.000000", "+0.000014", "+0.000030", "+0.000145", "+0.000152", "+0.000282",
            "+0.000488", "+0.000508", "+0.050742", "+0.050767", "+0.101017", "+0.101047", "+0.101161", "+0.101170"};
        for (int i = 0; i < 14; i++) {
            String[] col = lines.get(2 + i).trim().split("\\s+");
            List<String> got = List.of(col[0], col[2], col[3], col[4], col[5], col[6], col[7], col[8]);
            assertEquals(List.of(want[i]), got, "row " + (i + 1) + ": " + lines.get(2 + i));
            assertEquals(offsets[i], col[1], "row " + (i + 1));
        }
    }

    @Test
    void unknownSessionIsAUsageError() {
        Run r = run("analyze", "--session", "99", sample("half-close.pcap"));
        assertEquals(ExitCode.USAGE, r.code());
        assertOneErrorLine(r);
        assertTrue(r.err().contains("no session 99"), r.err());
        assertTrue(r.err().contains("1 session"), r.err()); // half-close.pcap has one tcp.stream
        assertTrue(r.err().contains("ids 0..0"), r.err());
    }

    @Test
    void threadsOutsideOneToTwoIsAUsageError() {
        for (String n : new String[] {"0", "3"}) {
            Run r = run("analyze", "--threads", n, sample("mixed.pcap"));
            assertEquals(ExitCode.USAGE, r.code(), n);
            assertOneErrorLine(r);
            assertTrue(r.err().contains("--threads must be 1 or 2"), r.err());
            assertEquals("", r.out(), "no report on a usage error");
        }
    }

    @Test
    void unknownSessionNamesTheCountOfMany() {
        Run r = run("analyze", "--session", "6", sample("mixed.pcap"));
        assertEquals(ExitCode.USAGE, r.code());
        assertOneErrorLine(r);
        assertTrue(r.err().contains("6 sessions (ids 0..5)"), r.err());
    }

    // ------------------------------------------------------------------ -o FILE

    @Test
    void outputFileHoldsTheReportAndStdoutNothing() throws IOException {
        for (String[] format : new String[][] {{}, {"--format", "jsonl"}, {"--session", "3"}}) {
            List<String> args = new ArrayList<>(List.of("analyze"));
            args.addAll(List.of(format));
            args.add(sample("mixed.pcap"));
            Run toStdout = run(args.toArray(String[]::new));
            assertEquals(0, toStdout.code());

            Path dir = Files.createDirectories(tmp.resolve("out" + format.length + String.join("", format)));
            Path file = dir.resolve("report.txt");
            args.add(1, "-o");
            args.add(2, file.toString());
            Run toFile = run(args.toArray(String[]::new));
            assertEquals(0, toFile.code(), toFile.err());
            assertEquals("", toFile.out());
            assertEquals("", toFile.err());
            assertEquals(toStdout.out(), Files.readString(file, StandardCharsets.UTF_8));
            try (Stream<Path> s = Files.list(dir)) {
                assertEquals(List.of(file), s.toList(), "only the report is left in the folder");
            }
        }
    }

    @Test
    void outputFileReplacesAnOldOne() throws IOException {
        Path file = tmp.resolve("report.txt");
        Files.writeString(file, "old content\n");
        Run r = run("analyze", "--brief", "-o", file.toString(), sample("refused.pcap"));
        assertEquals(0, r.code(), r.err());
        assertEquals(run("analyze", "--brief", sample("refused.pcap")).out(), Files.readString(file));
    }

    @Test
    void failedRunLeavesNoOutputFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("fail"));
        Path file = dir.resolve("report.txt");
        Run r = run("analyze", "-o", file.toString(), sample("client-close.pcap"), tmp.resolve("missing.pcap").toString());
        assertEquals(ExitCode.INPUT_NOT_FOUND, r.code());
        assertOneErrorLine(r);
        assertEquals("", r.out());
        assertFalse(Files.exists(file));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.toList(), "no .part file is left behind");
        }

        Run r2 = run("analyze", "-o", file.toString(), "--session", "99", sample("client-close.pcap"));
        assertEquals(ExitCode.USAGE, r2.code());
        assertFalse(Files.exists(file));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.toList(), "no .part file is left behind");
        }
    }

    @Test
    void failedRunKeepsAnOldOutputFile() throws IOException {
        Path file = tmp.resolve("keep.txt");
        Files.writeString(file, "old content\n");
        Run r = run("analyze", "-o", file.toString(), tmp.resolve("missing.pcap").toString());
        assertEquals(ExitCode.INPUT_NOT_FOUND, r.code());
        assertEquals("old content\n", Files.readString(file));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(file), s.toList());
        }
    }

    @Test
    void outputIntoAMissingFolderIsExit11() {
        Path file = tmp.resolve("no-such-dir").resolve("report.txt");
        Run r = run("analyze", "-o", file.toString(), sample("refused.pcap"));
        assertEquals(ExitCode.OUTPUT_ERROR, r.code());
        assertOneErrorLine(r);
        assertEquals("", r.out());
        assertFalse(Files.exists(file.getParent()));
    }

    // ------------------------------------------------------------------ errors

    static void assertOneErrorLine(Run r) {
        assertEquals(1, r.errLines().size(), "stderr: " + r.err());
        assertTrue(r.err().startsWith("tcplens: "), r.err());
        assertFalse(r.err().contains("at io."), "stack trace on stderr: " + r.err());
        assertFalse(r.out().contains("at io."), "stack trace on stdout: " + r.out());
    }

    @Test
    void missingFileIsExit3() {
        Path missing = tmp.resolve("missing.pcap");
        Run r = run("analyze", missing.toString());
        assertEquals(3, r.code());
        assertOneErrorLine(r);
        assertTrue(r.err().contains(missing.toString()), r.err());
        assertEquals("", r.out());
    }

    @Test
    void textFileIsExit4AndNamesTheMagic() throws IOException {
        Path f = Files.writeString(tmp.resolve("page.pcap"), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        Run r = run("analyze", f.toString());
        assertEquals(4, r.code());
        assertOneErrorLine(r);
        // "HTTP" = 0x48 0x54 0x54 0x50
        assertTrue(r.err().contains("0x48545450"), r.err());
        assertTrue(r.err().contains("\"HTTP\""), r.err());
        assertEquals("", r.out());
    }

    @Test
    void emptyFileIsExit4() throws IOException {
        Path f = Files.createFile(tmp.resolve("empty.pcap"));
        Run r = run("analyze", f.toString());
        assertEquals(4, r.code());
        assertOneErrorLine(r);
        assertTrue(r.err().contains("empty"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownFlagIsExit2() {
        Run r = run("analyze", "--no-such-flag", sample("refused.pcap"));
        assertEquals(2, r.code());
        assertOneErrorLine(r);
        assertTrue(r.err().contains("--no-such-flag"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownFormatIsExit2() {
        Run r = run("analyze", "--format", "xml", sample("refused.pcap"));
        assertEquals(2, r.code());
        assertOneErrorLine(r);
        assertTrue(r.err().contains("xml"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownReaderIsExit2() {
        Run r = run("analyze", "--reader", "foo", sample("refused.pcap"));
        assertEquals(2, r.code());
        assertOneErrorLine(r);
        assertTrue(r.err().contains("foo"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void noCommandIsExit2() {
        Run r = run();
        assertEquals(2, r.code());
        assertOneErrorLine(r);
        assertEquals("", r.out());
    }

    @Test
    void noFileIsExit2() {
        Run r = run("analyze");
        assertEquals(2, r.code());
        assertOneErrorLine(r);
        assertEquals("", r.out());
    }

    @Test
    void badTimeoutsAreExit2() {
        for (String[] a : new String[][] {{"--idle-timeout", "0"}, {"--idle-timeout", "-1"}, {"--close-linger", "-1"},
                {"--idle-timeout", "NaN"}}) {
            Run r = run("analyze", a[0], a[1], sample("refused.pcap"));
            assertEquals(2, r.code(), String.join(" ", a));
            assertOneErrorLine(r);
            assertEquals("", r.out());
        }
    }

    @Test
    void truncatedCaptureIsExit5AndKeepsTheSession() throws IOException {
        byte[] all = Files.readAllBytes(Path.of(sample("client-close.pcap")));
        assertEquals(905, all.length); // capinfos: file size 905 bytes; the last record is 16 + 66 bytes
        Path cut = Files.write(tmp.resolve("cut.pcap"), Arrays.copyOf(all, all.length - 10));
        Run r = run("analyze", cut.toString());
        assertEquals(5, r.code(), r.err());
        List<String> lines = r.outLines();
        // frames 1..9 remain: .084949 - .084375 = 574 µs; both FINs seen, the last ACK (frame 10) was cut
        assertEquals("#0  127.0.0.1:48914 → 127.0.0.1:9001  IPv4  574 µs  9 pkts  45 B  "
                + "client closed first, close not completed", lines.get(0));
        assertEquals("1 session: 1 closing", lines.get(lines.size() - 2));
        assertEquals("9 frames read: 9 TCP, 0 other", lines.get(lines.size() - 1));
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("tcplens: warning: "), r.err());
        assertTrue(r.err().contains("truncated"), r.err());
        assertTrue(r.err().contains(cut.toString()), r.err());
        assertFalse(r.err().contains("at io."), r.err());
    }

    @Test
    void truncatedCaptureWithOutputFileStillWritesIt() throws IOException {
        byte[] all = Files.readAllBytes(Path.of(sample("refused.pcap")));
        Path cut = Files.write(tmp.resolve("cut.pcap"), Arrays.copyOf(all, all.length - 1));
        Path file = tmp.resolve("report.txt");
        Run r = run("analyze", "--brief", "-o", file.toString(), cut.toString());
        assertEquals(5, r.code(), r.err());
        assertEquals("", r.out());
        // only frame 1 (the SYN) is left: one SYN, no answer within the capture
        assertEquals(List.of(
                "#0  127.0.0.1:54800 → 127.0.0.1:9003  IPv4  0 µs  1 pkt  0 B  no answer: 1 SYN in 0 µs",
                "verdicts:",
                "       1  no_answer            #0",
                "1 session: 1 no answer",
                "1 frame read: 1 TCP, 0 other"), Files.readAllLines(file));
    }

    @Test
    void headerOnlyCaptureHasNoSessions() throws IOException {
        // the 24-byte pcap file header of client-close.pcap, no records
        byte[] all = Files.readAllBytes(Path.of(sample("client-close.pcap")));
        Path p = Files.write(tmp.resolve("header-only.pcap"), Arrays.copyOf(all, 24));
        Run text = run("analyze", p.toString());
        assertEquals(0, text.code(), text.err());
        assertEquals(List.of("0 sessions", "0 frames read: 0 TCP, 0 other"), text.outLines());
        Run jsonl = run("analyze", "--format", "jsonl", p.toString());
        assertEquals(0, jsonl.code(), jsonl.err());
        assertEquals("", jsonl.out());
        assertEquals("", jsonl.err());
    }

    @Test
    void directoryAsInputIsExit3() {
        Run r = run("analyze", tmp.toString());
        assertEquals(3, r.code());
        assertOneErrorLine(r);
        assertTrue(r.err().contains("is a directory"), r.err());
    }

    @Test
    void outputOntoADirectoryIsExit11AndLeavesNoPartFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("target-dir"));
        Files.writeString(dir.resolve("keep"), "x");
        Run r = run("analyze", "-o", dir.toString(), sample("refused.pcap"));
        assertEquals(ExitCode.OUTPUT_ERROR, r.code());
        assertOneErrorLine(r);
        assertEquals("", r.out());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(dir), s.toList(), "no .part file is left next to the directory");
        }
    }

    @Test
    void libpcapReaderGivesTheSameReport() {
        Assumptions.assumeTrue(LibpcapFileReader.isAvailable(), "libpcap not installed");
        for (String f : List.of("mixed.pcap", "server-close.pcap", "ipv6-client-close.pcap")) {
            for (String format : List.of("text", "jsonl")) {
                Run builtin = run("analyze", "--format", format, sample(f));
                Run libpcap = run("analyze", "--format", format, "--reader", "libpcap", sample(f));
                assertEquals(0, libpcap.code(), libpcap.err());
                assertEquals(builtin.out(), libpcap.out(), f + " " + format);
            }
        }
    }

    @Test
    void libpcapReaderOnATruncatedCaptureIsExit5() throws IOException {
        Assumptions.assumeTrue(LibpcapFileReader.isAvailable(), "libpcap not installed");
        byte[] all = Files.readAllBytes(Path.of(sample("client-close.pcap")));
        Path cut = Files.write(tmp.resolve("cut.pcap"), Arrays.copyOf(all, all.length - 10));
        Run r = run("analyze", "--brief", "--reader", "libpcap", cut.toString());
        assertEquals(5, r.code(), r.err());
        assertEquals("#0  127.0.0.1:48914 → 127.0.0.1:9001  IPv4  574 µs  9 pkts  45 B  "
                + "client closed first, close not completed", r.outLines().get(0));
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("tcplens: warning: ") && r.err().contains("truncated"), r.err());
    }

    // ------------------------------------------------------------------ regressions of bugs found by these tests

    @Test
    void tinyIdleTimeoutIsAUsageError() {
        for (String v : List.of("1e-12", "4e-10")) { // 0.001 ns and 0.4 ns both round to 0 ns
            Run r = run("analyze", "--idle-timeout", v, sample("refused.pcap"));
            assertEquals(2, r.code(), v + ": " + r.err());
            assertOneErrorLine(r);
            assertFalse(r.err().contains("internal error"), r.err());
        }
    }

    @Test
    void unknownSessionMessageCountsInEnglish() throws IOException {
        Run one = run("analyze", "--session", "99", sample("half-close.pcap"));
        assertFalse(one.err().contains("1 sessions"), one.err());
        byte[] all = Files.readAllBytes(Path.of(sample("client-close.pcap")));
        Path empty = Files.write(tmp.resolve("header-only.pcap"), Arrays.copyOf(all, 24));
        Run none = run("analyze", "--session", "0", empty.toString());
        assertEquals(2, none.code());
        assertFalse(none.err().contains("0..-1"), none.err());
    }

    @Test
    void libpcapReaderWritesNothingElseToStderr() {
        Assumptions.assumeTrue(LibpcapFileReader.isAvailable(), "libpcap not installed");
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Run r;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            r = run("analyze", "--reader", "libpcap", sample("refused.pcap"));
        } finally {
            System.setErr(saved);
        }
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }
}
