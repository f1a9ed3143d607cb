package io.tcplens.cli;

import io.tcplens.analyzer.testing.Frames;
import io.tcplens.cli.render.JsonPaths;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.tcplens.cli.AnalyzeCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13 item 9: pcapng timestamps (if_tsresol 9, 64-bit) reach the whole {@code long} range, so a
 * session's duration, relative times and RTTs can be {@code Long.MIN_VALUE}, or beyond the long range
 * (saturated, docs/ROBUSTNESS.md). Every command and format renders them, exit 0, no stack trace.
 *
 * <p>The reader hands an EPB timestamp of {@code u} ns (unsigned 64-bit) on as the long {@code u}
 * mod 2^64, so u = 2^63 arrives as {@code Long.MIN_VALUE}. Expected strings are worked out by hand:
 * 2^63 ns = 9223372036.854775808 s = 153722867 min 16 s (153722867 · 60 = 9223372020);
 * {@code Long.MIN_VALUE} ns since the epoch is 1677-09-21T00:12:43.145224192Z (−9223372037 s +
 * 0.145224192 s; 9223372037 s = 106751 days 23:47:17).
 */
class ExtremeTimestampsTest {

    @TempDir
    Path tmp;

    private static final long TWO_63 = Long.MIN_VALUE;   // 2^63 as an unsigned 64-bit timestamp

    static final String C = "10.0.0.1";
    static final String S = "10.0.0.2";

    /** one EPB: its 64-bit timestamp (in ns: the interface says if_tsresol 9) and its frame */
    record Epb(long ts, byte[] frame) {
    }

    /** SHB + IDB (Ethernet, if_tsresol 9) + one EPB per frame, little-endian (draft-ietf-opsawg-pcapng §4) */
    static byte[] pcapng(Epb... epbs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Section Header Block: type, length 28, byte-order magic, version 1.0, section length -1
        le32(out, 0x0A0D0D0A);
        le32(out, 28);
        le32(out, 0x1A2B3C4D);
        le16(out, 1);
        le16(out, 0);
        le32(out, -1);
        le32(out, -1);
        le32(out, 28);
        // Interface Description Block: link type 1, snaplen 0; option if_tsresol (9) = 9, opt_endofopt
        le32(out, 1);
        le32(out, 32);
        le16(out, 1);
        le16(out, 0);
        le32(out, 0);
        le16(out, 9);
        le16(out, 1);
        out.write(9);
        out.write(0);
        out.write(0);
        out.write(0);
        le32(out, 0);
        le32(out, 32);
        for (Epb e : epbs) {
            int padded = (e.frame.length + 3) & ~3;
            int len = 32 + padded;
            le32(out, 6);
            le32(out, len);
            le32(out, 0);
            le32(out, (int) (e.ts >>> 32));
            le32(out, (int) e.ts);
            le32(out, e.frame.length);
            le32(out, e.frame.length);
            out.writeBytes(e.frame);
            out.writeBytes(new byte[padded - e.frame.length]);
            le32(out, len);
        }
        return out.toByteArray();
    }

    private static void le16(ByteArrayOutputStream o, int v) {
        o.write(v);
        o.write(v >> 8);
    }

    private static void le32(ByteArrayOutputStream o, int v) {
        o.write(v);
        o.write(v >> 8);
        o.write(v >> 16);
        o.write(v >> 24);
    }

    static Frames c2s() {
        return Frames.tcp(C, 40000, S, 80);
    }

    static Frames s2c() {
        return Frames.tcp(S, 80, C, 40000);
    }

    /** The issue's 244 bytes: a SYN at 0 and its SYN-ACK at 2^63 ns, so duration = end − start = Long.MIN_VALUE. */
    private Path overflow244() throws Exception {
        byte[] b = pcapng(new Epb(0, c2s().syn().seq(1000).build()),
                new Epb(TWO_63, s2c().syn().seq(5000).ack(1001).build()));
        assertEquals(244, b.length, "28 SHB + 32 IDB + 2 × (32 + 60-byte Ethernet frame)");
        Path p = tmp.resolve("overflow244.pcapng");
        Files.write(p, b);
        return p;
    }

    /**
     * The one line these captures earn on stderr: each holds an EPB timestamp beyond what a long of epoch
     * nanoseconds holds, which the pcapng reader notes once per interface (PcapngFileReader).
     */
    private static final java.util.regex.Pattern WRAP_NOTE = java.util.regex.Pattern.compile(
            "tcplens: note: \\S+\\.pcapng: interface 0 of section 1 \\(if_tsoffset 0 s\\): a timestamp is beyond what"
                    + " 64-bit epoch nanoseconds hold \\(1677-09-21 to 2262-04-11\\), so the absolute times of its"
                    + " packets are wrong \\(wrapped around\\)\n");

    private static void clean(AnalyzeCommandTest.Run r, String what) {
        assertEquals(0, r.code(), what + ": exit code; stderr: " + r.err());
        assertTrue(WRAP_NOTE.matcher(r.err()).matches(), what + ": only the wrap note on stderr (no stack trace): " + r.err());
        assertFalse(r.out().contains("Exception") || r.out().contains("\tat "), what + ": a stack trace in the report");
    }

    static final String HEADER_244 = "#0  10.0.0.1:40000 → 10.0.0.2:80  IPv4  -153722867 min 16 s  2 pkts  0 B  ";

    @Test
    void durationOfMinusTwoToThe63RendersInTheTextReport() throws Exception {
        Path f = overflow244();
        AnalyzeCommandTest.Run r = run("analyze", f.toString());
        clean(r, "analyze");
        List<String> lines = r.outLines();
        assertTrue(lines.get(0).startsWith(HEADER_244), lines.get(0));
        // the SYN-ACK at Long.MIN_VALUE: −9223372036.854775808 s, to the microsecond half up
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("  handshake  -9223372036.854776  server ←  SYN-ACK")),
                r.out());
        assertEquals("1 session: 1 open", lines.get(lines.size() - 2));
        assertEquals("2 frames read: 2 TCP, 0 other", lines.get(lines.size() - 1));

        AnalyzeCommandTest.Run brief = run("analyze", "--brief", f.toString());
        clean(brief, "analyze --brief");
        assertTrue(brief.outLines().get(0).startsWith(HEADER_244), brief.out());
    }

    @Test
    void everyFormatRendersTheSameCapture() throws Exception {
        Path f = overflow244();
        AnalyzeCommandTest.Run jsonl = run("analyze", "--format", "jsonl", f.toString());
        clean(jsonl, "jsonl");
        Map<String, String> j = json(jsonl.out());
        assertEquals("0", j.get("start_ns"));
        assertEquals("-9223372036854775808", j.get("end_ns"));
        assertEquals("-9223372036854775808", j.get("duration_ns"));
        assertEquals("-9223372036854775808", j.get("handshake.synack_ns"));

        AnalyzeCommandTest.Run csv = run("analyze", "--format", "csv", f.toString());
        clean(csv, "csv");
        CSVRecord row = csvRow(csv.out());
        assertEquals("-9223372036854775808", row.get("duration_ns"));
        assertEquals("-9223372036854775808", row.get("end_ns"));
        assertEquals("1970-01-01T00:00:00.000000000Z", row.get("start_iso"));
        assertEquals("1677-09-21T00:12:43.145224192Z", row.get("end_iso"));

        AnalyzeCommandTest.Run zeek = run("analyze", "--format", "zeek", f.toString());
        clean(zeek, "zeek");
        String[] conn = zeek.outLines().stream().filter(l -> !l.startsWith("#")).findFirst().orElseThrow().split("\t");
        assertEquals("0.000000", conn[0], "ts");
        assertEquals("-", conn[8], "duration: Zeek leaves it unset unless it is above 0 (set_conn)");

        AnalyzeCommandTest.Run html = run("analyze", "--format", "html", f.toString());
        clean(html, "html");
        Map<String, String> data = htmlData(html.out());
        assertEquals("0", data.get("sessions.0.4"), "start in µs");
        // duration in µs as a JSON number: the double nearest −2^63 / 1000 = −9223372036854775.808,
        // which is −9223372036854776 (doubles of this size are multiples of 2), as Double.toString writes it
        assertEquals("-9.223372036854776E15", data.get("sessions.0.5"));
        assertEquals("-9.223372036854776E15", data.get("sessions.0.24.11"), "the SYN-ACK's time in the ladder");
    }

    @Test
    void theSessionsPacketsRenderInAnalyzeSessionAndShow() throws Exception {
        Path f = overflow244();
        AnalyzeCommandTest.Run table = run("analyze", "--session", "0", f.toString());
        clean(table, "analyze --session 0");
        assertTrue(table.outLines().get(0).startsWith(HEADER_244), table.out());
        assertTrue(table.out().contains("-9223372036.854776"), table.out());

        AnalyzeCommandTest.Run show = run("show", "--session", "0", f.toString());
        clean(show, "show --session 0");
        assertTrue(show.outLines().get(0).startsWith(HEADER_244), show.out());
        assertTrue(show.out().contains("-9223372036.854776"), show.out());

        AnalyzeCommandTest.Run showJson = run("show", "--session", "0", "--format", "jsonl", f.toString());
        clean(showJson, "show --format jsonl");
        List<String> packets = showJson.outLines();
        assertEquals(2, packets.size());
        Map<String, String> synAck = json(packets.get(1));
        assertEquals("-9223372036854775808", synAck.get("ts_ns"));
        assertEquals("-9223372036854775808", synAck.get("rel_ns"));
    }

    /**
     * Timestamps that go backwards by more than the long range: SYN at Long.MAX_VALUE, SYN-ACK at 2^63
     * (Long.MIN_VALUE), ACK at 2^63 + 1, 10 bytes of data at 0, their ACK at 2^63 + 5. The clock of the
     * session table stays at Long.MAX_VALUE (no idle expiry). Differences, true value → record:
     * <ul>
     *   <li>duration = (2^63 + 5 − 2^64) − (2^63 − 1) = 6 − 2^64 → saturated Long.MIN_VALUE (main: 6);
     *   <li>initial RTT = ACK − SYN = (2^63 + 1 − 2^64) − (2^63 − 1) = 2 − 2^64 → Long.MIN_VALUE (main: 2);
     *   <li>the client's data RTT = (2^63 + 5 − 2^64) − 0 = −2^63 + 5, in range: Long.MIN_VALUE + 5.
     * </ul>
     */
    @Test
    void timestampsGoingBackwardsBeyondTheLongRangeSaturate() throws Exception {
        byte[] b = pcapng(
                new Epb(Long.MAX_VALUE, c2s().syn().seq(1000).build()),
                new Epb(TWO_63, s2c().syn().seq(5000).ack(1001).build()),
                new Epb(TWO_63 + 1, c2s().seq(1001).ack(5001).build()),
                new Epb(0, c2s().psh().seq(1001).ack(5001).payload(10).build()),
                new Epb(TWO_63 + 5, s2c().seq(5001).ack(1011).build()));
        Path f = tmp.resolve("backwards.pcapng");
        Files.write(f, b);
        AnalyzeCommandTest.Run jsonl = run("analyze", "--format", "jsonl", f.toString());
        clean(jsonl, "jsonl");
        Map<String, String> j = json(jsonl.out());
        assertEquals("9223372036854775807", j.get("start_ns"));
        assertEquals("-9223372036854775803", j.get("end_ns"));
        assertEquals("-9223372036854775808", j.get("duration_ns"));
        assertEquals("-9223372036854775808", j.get("handshake.rtt_ns"));
        assertEquals("1", j.get("client.rtt_samples"));
        assertEquals("-9223372036854775803", j.get("client.rtt_min_ns"));
        assertEquals("-9223372036854775803", j.get("client.rtt_mean_ns"));
        assertEquals("-9223372036854775803", j.get("client.rtt_max_ns"));

        AnalyzeCommandTest.Run text = run("analyze", f.toString());
        clean(text, "text");
        assertTrue(text.outLines().get(0).startsWith(
                "#0  10.0.0.1:40000 → 10.0.0.2:80  IPv4  -153722867 min 16 s  5 pkts  10 B  "), text.out());
        // the data at 0 is 0 − (2^63 − 1) = −9223372036.854775807 s after the start (first and last data)
        assertTrue(text.out().contains(", from -9223372036.854776 to -9223372036.854776\n"), text.out());
        // the handshake ACK at 2^63 + 1 − 2^64 − (2^63 − 1) = 2 − 2^64: saturated to −2^63 ns
        assertTrue(text.out().contains("initial RTT -153722867 min 16 s"), text.out());
        for (String format : new String[] {"csv", "zeek", "html"}) {
            clean(run("analyze", "--format", format, f.toString()), format);
        }
        clean(run("analyze", "--session", "0", f.toString()), "analyze --session 0");
        clean(run("show", "--session", "0", f.toString()), "show --session 0");
    }

    /**
     * Forward past the long range: with --idle-timeout 9.2e9 s (9.2·10^18 ns, the largest the option
     * takes) three packets 9.2·10^18 ns apart starting at 2^63 (Long.MIN_VALUE) stay one session, and
     * end − start = 1.84·10^19 ns > 2^63 − 1 saturates to Long.MAX_VALUE (main: 1.84·10^19 − 2^64 =
     * −46744073709551616).
     */
    @Test
    void aDurationBeyondTheLongRangeSaturatesAtLongMaxValue() throws Exception {
        long step = 9_200_000_000_000_000_000L;
        byte[] b = pcapng(
                new Epb(TWO_63, c2s().syn().seq(1000).build()),
                new Epb(TWO_63 + step, s2c().syn().seq(5000).ack(1001).build()),
                new Epb(TWO_63 + 2 * step, c2s().seq(1001).ack(5001).build()));
        Path f = tmp.resolve("forward.pcapng");
        Files.write(f, b);
        AnalyzeCommandTest.Run jsonl = run("analyze", "--idle-timeout", "9.2e9", "--format", "jsonl", f.toString());
        clean(jsonl, "jsonl");
        assertEquals(1, jsonl.outLines().size(), jsonl.out());
        Map<String, String> j = json(jsonl.out());
        assertEquals("9223372036854775807", j.get("duration_ns"));
        assertEquals("9223372036854775807", j.get("handshake.rtt_ns"));

        AnalyzeCommandTest.Run text = run("analyze", "--idle-timeout", "9.2e9", f.toString());
        clean(text, "text");
        assertTrue(text.outLines().get(0).startsWith(
                "#0  10.0.0.1:40000 → 10.0.0.2:80  IPv4  153722867 min 16 s  3 pkts  0 B  "), text.out());
        // Zeek's duration: 9223372036.854775807 s to the microsecond
        AnalyzeCommandTest.Run zeek = run("analyze", "--idle-timeout", "9.2e9", "--format", "zeek", f.toString());
        clean(zeek, "zeek");
        String[] conn = zeek.outLines().stream().filter(l -> !l.startsWith("#")).findFirst().orElseThrow().split("\t");
        assertEquals("-9223372036.854776", conn[0], "ts: Long.MIN_VALUE ns");
        assertEquals("9223372036.854776", conn[8], "duration");
    }

    /** the page's own script on the 244-byte capture, in chromium: no error, its self-test passes */
    @Test
    void theHtmlPageScriptTakesTheExtremes() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(HtmlReportBrowserTest.CHROMIUM),
                "chromium is not installed at " + HtmlReportBrowserTest.CHROMIUM + ": browser check skipped");
        Path html = tmp.resolve("extreme.html");
        clean(run("analyze", "--format", "html", "-o", html.toString(), overflow244().toString()), "html");
        String dom = HtmlReportBrowserTest.dumpDom(html, tmp.resolve("profile"));
        Map<String, String> body = HtmlReportBrowserTest.bodyAttributes(dom);
        assertEquals("0", body.get("errors"), "page errors: " + body.get("error-text"));
        assertEquals("pass", body.get("selftest"), String.valueOf(body));
        assertEquals("2", body.get("arrows"));
        // the page's dur() of −9223372036854775.808 µs: floor(9223372036.854776 s) = 153722867 min 16 s
        assertTrue(dom.contains("<td class=\"num\">-153722867 min 16 s</td>"), "duration cell");
        // its ladder: the SYN-ACK −9223372036.854776 s after the SYN, with no "+" before the minus
        assertTrue(dom.contains(">2  -9223372036.854776<"), "ladder time of packet 2");
    }

    static CSVRecord csvRow(String csv) throws IOException {
        try (CSVParser p = CSVParser.parse(new StringReader(csv),
                CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
            List<CSVRecord> rows = p.getRecords();
            assertEquals(1, rows.size(), csv);
            return rows.get(0);
        }
    }

    static Map<String, String> json(String doc) throws IOException {
        return JsonPaths.of(doc);
    }

    static Map<String, String> htmlData(String page) throws IOException {
        String open = "<script id=\"tcplens-data\" type=\"application/json\">";
        int from = page.indexOf(open) + open.length();
        int to = page.indexOf("</script>", from);
        return json(page.substring(from, to));
    }
}
