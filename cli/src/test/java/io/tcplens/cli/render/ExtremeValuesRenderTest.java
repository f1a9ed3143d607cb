package io.tcplens.cli.render;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.session.Role;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.capture.CaptureFiles;
import io.tcplens.capture.PacketSource;
import io.tcplens.cli.HtmlReportBrowserTest;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13 item 9: every number a capture controls renders, in every format, for the whole long
 * range. Records are the sample captures' sessions with every numeric field (of the record and the
 * records nested in it, found by reflection, so a field added later is covered too) replaced by a
 * draw from {0, ±1, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MAX_VALUE − 1,
 * Integer.MIN/MAX_VALUE, a random long}; and, through the real analyzer, the samples' frames
 * re-timed with such values, so that timestamps jump and go backwards. Each record goes through
 * text (full and brief), JSON Lines, CSV, Zeek, HTML, the packet table and both ladders without an
 * exception; where a value is printed verbatim it must be exact (oracles: {@link BigInteger} and
 * {@link BigDecimal}, never the renderers' own arithmetic).
 */
class ExtremeValuesRenderTest {

    static final long SEED = 0x5EED_13_09L;
    static final long[] LONGS = {0, 1, -1, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MAX_VALUE - 1,
        Integer.MIN_VALUE, Integer.MAX_VALUE};
    static final int[] INTS = {0, 1, -1, Integer.MIN_VALUE, Integer.MIN_VALUE + 1, Integer.MAX_VALUE,
        Integer.MAX_VALUE - 1};
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);
    static final Path SAMPLES = Path.of(System.getProperty("tcplens.samples", "../sample-pcaps"));

    @TempDir
    Path tmp;

    private final SplittableRandom rnd = new SplittableRandom(SEED);

    long drawLong() {
        int i = rnd.nextInt(LONGS.length + 1);
        return i < LONGS.length ? LONGS[i] : rnd.nextLong();
    }

    int drawInt() {
        int i = rnd.nextInt(INTS.length + 1);
        return i < INTS.length ? INTS[i] : rnd.nextInt();
    }

    // ------------------------------------------------------------------ building records

    /**
     * {@code value} (a record) with every long, int and non-null Long component replaced by a draw,
     * nested records, lists of records and the anomaly maps' counts included. The one place that
     * knows how records are built: by their canonical constructors, through reflection.
     */
    Object withExtremes(Object value) throws ReflectiveOperationException {
        if (value instanceof Record rec) {
            RecordComponent[] cs = rec.getClass().getRecordComponents();
            Object[] args = new Object[cs.length];
            Class<?>[] types = new Class<?>[cs.length];
            for (int i = 0; i < cs.length; i++) {
                types[i] = cs[i].getType();
                Object v = cs[i].getAccessor().invoke(rec);
                if (types[i] == long.class && cs[i].getName().equals("rttSamples")) {
                    // the one invariant between numbers the analyzer keeps and renderers rely on: RTT
                    // samples > 0 exactly when the RTT min/mean/max are present (not null)
                    boolean present = ((SessionRecord.EndpointInfo) rec).rttMinNs() != null;
                    long n = drawLong();
                    args[i] = present ? Math.max(1, n) : Math.min(0, n);
                } else if (types[i] == long.class) {
                    args[i] = drawLong();
                } else if (types[i] == int.class) {
                    args[i] = drawInt();
                } else if (types[i] == Long.class) {
                    args[i] = v == null ? null : drawLong();
                } else {
                    args[i] = withExtremes(v);
                }
            }
            Constructor<?> c = rec.getClass().getDeclaredConstructor(types);
            c.setAccessible(true);
            return c.newInstance(args);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) {
                out.add(withExtremes(o));
            }
            return out;
        }
        if (value instanceof Map<?, ?>) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                out.put(e.getKey(), e.getValue() instanceof Long ? (Object) drawLong() : e.getValue());
            }
            return out;
        }
        return value;
    }

    /** a session's packets with extreme times and numbers (the ladders' input) */
    PacketStore.Packets packets(int n) {
        PacketStore.Packets p = new PacketStore.Packets();
        for (int i = 0; i < n; i++) {
            p.add(drawLong(), rnd.nextBoolean(), rnd.nextInt(1 << 9), drawLong(), drawLong(), drawInt(),
                    rnd.nextInt(1 << 16), rnd.nextInt(3), rnd.nextInt(12), rnd.nextInt(12), rnd.nextInt(1 << 20));
        }
        return p;
    }

    static List<Path> samples() throws IOException {
        List<Path> out = new ArrayList<>();
        try (var s = Files.list(SAMPLES)) {
            s.filter(p -> p.toString().endsWith(".pcap")).sorted().forEach(out::add);
        }
        assertTrue(out.size() >= 8, "sample captures missing in " + SAMPLES);
        return out;
    }

    // ------------------------------------------------------------------ oracles

    static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
    static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** to − from, clamped to the long range (docs/ROBUSTNESS.md) */
    static long between(long from, long to) {
        return BigInteger.valueOf(to).subtract(BigInteger.valueOf(from)).max(MIN).min(MAX).longValueExact();
    }

    static long sum(long a, long b) {
        return BigInteger.valueOf(a).add(BigInteger.valueOf(b)).max(MIN).min(MAX).longValueExact();
    }

    /** Zeek's 6-decimal seconds as tcplens defines them: the exact ns to the µs, half up (away from zero), sign kept */
    static String zeekSeconds(long ns) {
        String digits = new BigDecimal(BigInteger.valueOf(ns).abs(), 9).setScale(6, RoundingMode.HALF_UP).toPlainString();
        return ns < 0 ? "-" + digits : digits;
    }

    @Test
    void zeekSecondsByHand() {
        assertEquals("0.000000", ZeekConnLogRenderer.seconds(0));
        assertEquals("0.000001", ZeekConnLogRenderer.seconds(500), "half up");
        assertEquals("0.000000", ZeekConnLogRenderer.seconds(499));
        assertEquals("-0.000002", ZeekConnLogRenderer.seconds(-1500), "away from zero; main wrote -1.999999");
        assertEquals("-0.000000", ZeekConnLogRenderer.seconds(-1), "the sign of a negative time, as %.6f and Zeek's modp_dtoa");
        assertEquals("-0.000001", ZeekConnLogRenderer.seconds(-1000));
        assertEquals("1700000000.123457", ZeekConnLogRenderer.seconds(1_700_000_000_123_456_500L));
        assertEquals("-9223372036.854776", ZeekConnLogRenderer.seconds(Long.MIN_VALUE));
        assertEquals("9223372036.854776", ZeekConnLogRenderer.seconds(Long.MAX_VALUE));
        assertEquals("9223372036.854775", ZeekConnLogRenderer.seconds(9_223_372_036_854_775_499L));
        for (long v : LONGS) {
            assertEquals(zeekSeconds(v), ZeekConnLogRenderer.seconds(v), "seconds " + v);
            assertEquals(zeekSeconds(-v), ZeekConnLogRenderer.seconds(-v), "seconds " + -v);
        }
        for (int i = 0; i < 20_000; i++) {
            long v = drawLong();
            assertEquals(zeekSeconds(v), ZeekConnLogRenderer.seconds(v), "seconds " + v);
        }
    }

    // ------------------------------------------------------------------ rendering

    /** what every format wrote for a list of records */
    record Rendered(String text, String brief, String jsonl, String csv, String zeek, String html, String ladders) {
    }

    /**
     * Every renderer over {@code records}; {@code packets.get(i)} is record i's packets for the
     * ladders, {@code htmlPackets} the store the HTML report takes them from (empty for made-up
     * records), {@code tables} the packet tables of the sessions that have one.
     */
    static Rendered render(List<SessionRecord> records, List<PacketStore.Packets> packets, PacketStore htmlPackets,
                           Map<Long, PacketTable> tables) throws IOException {
        StringWriter text = new StringWriter();
        StringWriter brief = new StringWriter();
        StringWriter jsonl = new StringWriter();
        StringWriter csv = new StringWriter();
        StringWriter zeek = new StringWriter();
        StringWriter html = new StringWriter();
        StringWriter ladders = new StringWriter();
        PacketStore none = new PacketStore(0, null);
        List<SessionSink> sinks = List.of(new TextRenderer(text, true), new TextRenderer(brief, false),
                new JsonLinesRenderer(jsonl), new CsvRenderer(csv), new ZeekConnLogRenderer(zeek, none, CLOCK));
        HtmlReport report = new HtmlReport(html, htmlPackets, "extremes", CLOCK);
        for (int i = 0; i < records.size(); i++) {
            SessionRecord r = records.get(i);
            for (SessionSink s : sinks) {
                s.session(r);
            }
            report.session(r);
            PacketStore.Packets p = packets.get(i);
            PacketLadder.text(r, p, ladders, false);
            PacketLadder.text(r, p, ladders, true);
            PacketLadder.jsonl(r, p, ladders);
            PacketTable t = tables.get(r.id());
            if (t != null) {
                t.write(r, ladders);
            }
        }
        RunTotals totals = new RunTotals(Long.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, new int[0], List.of());
        for (SessionSink s : sinks) {
            s.finish(totals);
        }
        report.finish(totals);
        return new Rendered(text.toString(), brief.toString(), jsonl.toString(), csv.toString(), zeek.toString(),
                html.toString(), ladders.toString());
    }

    /** the exactness checks, record by record */
    static void check(List<SessionRecord> records, List<PacketStore.Packets> packets, Rendered out)
            throws IOException {
        List<String> jsonLines = out.jsonl.lines().toList();
        List<String> headers = out.brief.lines().filter(l -> l.startsWith("#")).toList();
        List<String> zeekRows = out.zeek.lines().filter(l -> !l.startsWith("#")).toList();
        Map<String, String> page = JsonPaths.of(htmlData(out.html));
        List<CSVRecord> csvRows;
        try (CSVParser p = CSVParser.parse(new StringReader(out.csv),
                CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
            csvRows = p.getRecords();
        }
        assertEquals(records.size(), jsonLines.size());
        assertEquals(records.size(), headers.size());
        assertEquals(records.size(), zeekRows.size());
        assertEquals(records.size(), csvRows.size());
        for (int i = 0; i < records.size(); i++) {
            SessionRecord r = records.get(i);
            String what = "record " + r;
            // JSON Lines: every number of the walk printed as Long.toString, and the derived ones exact
            Map<String, String> json = JsonPaths.of(jsonLines.get(i));
            Map<String, String> walked = walk(r);
            assertEquals(walked, json, what);
            assertEquals(Long.toString(r.startNs()), json.get("start_ns"), what);
            assertEquals(Long.toString(r.endNs()), json.get("end_ns"), what);
            assertEquals(Long.toString(between(r.startNs(), r.endNs())), json.get("duration_ns"), what);
            // CSV: the same values, null as an empty field; the ISO times are the exact instants
            CSVRecord row = csvRows.get(i);
            for (Map.Entry<String, String> e : json.entrySet()) {
                assertEquals(e.getValue() == null ? "" : e.getValue(), row.get(e.getKey().replace('.', '_')),
                        what + " CSV " + e.getKey());
            }
            assertEquals(BigInteger.valueOf(r.startNs()), nanos(Instant.parse(row.get("start_iso"))), what);
            assertEquals(BigInteger.valueOf(r.endNs()), nanos(Instant.parse(row.get("end_iso"))), what);
            // text: the header's duration, packets and bytes
            long duration = between(r.startNs(), r.endNs());
            assertTrue(headers.get(i).contains("  " + UnitsTest.durationExact(duration) + "  "
                    + sum(r.packetsC2s(), r.packetsS2c()) + " pkt"), what + "\n" + headers.get(i));
            assertTrue(out.text.contains(headers.get(i) + "\n"), what);
            // Zeek: ts, duration (set only above 0, as set_conn), counts verbatim
            String[] z = zeekRows.get(i).split("\t", -1);
            assertEquals(21, z.length, zeekRows.get(i));
            assertEquals(zeekSeconds(r.startNs()), z[0], what);
            assertEquals(duration > 0 ? zeekSeconds(duration) : "-", z[8], what);
            boolean clientOrig = r.zeek().originator() == Role.CLIENT;
            SessionRecord.EndpointInfo orig = clientOrig ? r.clientInfo() : r.serverInfo();
            assertEquals(duration > 0 ? Long.toString(orig.uniqueBytes()) : "-", z[9], what);
            assertEquals(Long.toString(clientOrig ? r.packetsC2s() : r.packetsS2c()), z[16], what);
            // HTML: integers verbatim; times in µs as the double nearest the exact quotient (within the
            // one rounding of the long to a double before the division)
            String s = "sessions." + i + ".";
            assertEquals(Long.toString(r.id()), page.get(s + "0"), what);
            assertEquals(BigInteger.valueOf(r.startNs()).divide(BigInteger.valueOf(1000))
                    .subtract(BigInteger.valueOf(r.startNs() < 0 && r.startNs() % 1000 != 0 ? 1 : 0)).toString(),
                    page.get(s + "4"), what + ": floor of the start in µs");
            assertMicros(duration, page.get(s + "5"), what);
            if (r.handshake().rttNs() != null) {
                assertMicros(r.handshake().rttNs(), page.get(s + "14"), what);
            }
            assertEquals(Long.toString(r.packetsC2s()), page.get(s + "6"), what);
            assertEquals(Long.toString(r.bytesS2c()), page.get(s + "9"), what);
            assertEquals(Long.toString(sum(r.packetsC2s(), r.packetsS2c())), page.get(s + "23"), what);
            PacketStore.Packets p = packets.get(i);
            for (int k = 0; page.containsKey(s + "24." + (11 * k)); k++) {
                assertMicros(between(r.startNs(), p.tsNs(k)), page.get(s + "24." + (11 * k)), what + " packet " + k);
                assertEquals(Long.toString(p.relSeq(k)), page.get(s + "24." + (11 * k + 3)), what);
            }
        }
        // the ladders' JSON lines: ts_ns and rel_ns exact
        List<String> ladderJson = out.ladders.lines().filter(l -> l.startsWith("{")).toList();
        int line = 0;
        for (int i = 0; i < records.size(); i++) {
            SessionRecord r = records.get(i);
            PacketStore.Packets p = packets.get(i);
            for (int k = 0; k < p.count(); k++) {
                Map<String, String> j = JsonPaths.of(ladderJson.get(line++));
                assertEquals(Long.toString(r.id()), j.get("session"));
                assertEquals(Long.toString(p.tsNs(k)), j.get("ts_ns"));
                assertEquals(Long.toString(between(r.startNs(), p.tsNs(k))), j.get("rel_ns"));
                assertEquals(Long.toString(p.relSeq(k)), j.get("seq"));
            }
        }
        assertEquals(line, ladderJson.size());
    }

    /** a JSON number of µs: the double of the exact ns / 1000, to within 1 ulp (long → double, then / 1000) */
    static void assertMicros(long ns, String json, String what) {
        double exact = new BigDecimal(ns).movePointLeft(3).doubleValue();
        double got = Double.parseDouble(json);
        assertTrue(Math.abs(got - exact) <= Math.ulp(exact), what + ": " + json + " for " + ns + " ns");
    }

    static BigInteger nanos(Instant t) {
        return BigInteger.valueOf(t.getEpochSecond()).multiply(BigInteger.valueOf(1_000_000_000L))
                .add(BigInteger.valueOf(t.getNano()));
    }

    /** the record's fields as the contract walk names them, numbers as Long.toString */
    static Map<String, String> walk(SessionRecord r) {
        Map<String, String> m = new LinkedHashMap<>();
        RecordFields.walk(r, new RecordFields.Visitor() {
            private final List<String> prefix = new ArrayList<>();

            private String key(String name) {
                return String.join("", prefix) + name;
            }

            @Override
            public void begin(String name) {
                prefix.add(name + ".");
            }

            @Override
            public void end() {
                prefix.remove(prefix.size() - 1);
            }

            @Override
            public void number(String name, long value) {
                m.put(key(name), Long.toString(value));
            }

            @Override
            public void string(String name, String value) {
                m.put(key(name), value);
            }

            @Override
            public void bool(String name, boolean value) {
                m.put(key(name), Boolean.toString(value));
            }

            @Override
            public void nil(String name) {
                m.put(key(name), null);
            }
        });
        return m;
    }

    static String htmlData(String page) {
        String open = "<script id=\"tcplens-data\" type=\"application/json\">";
        int from = page.indexOf(open) + open.length();
        return page.substring(from, page.indexOf("</script>", from));
    }

    /** the sample captures' sessions, each several times with every number replaced by an extreme */
    @Test
    void recordsWithExtremeNumbersRenderInEveryFormat() throws Exception {
        List<SessionRecord> templates = new ArrayList<>();
        for (Path f : samples()) {
            Analyzer a = new Analyzer(templates::add);
            try (PacketSource src = CaptureFiles.open(f)) {
                src.readAll(a::onFrame);
            }
            a.finish();
        }
        List<SessionRecord> records = new ArrayList<>();
        List<PacketStore.Packets> packets = new ArrayList<>();
        for (int round = 0; round < 8; round++) {
            for (SessionRecord t : templates) {
                records.add((SessionRecord) withExtremes(t));
                packets.add(packets(rnd.nextInt(4)));
            }
        }
        assertTrue(records.size() > 100, "records: " + records.size());
        Rendered out = render(records, packets, new PacketStore(0, null), Map.of());
        check(records, packets, out);
        // made-up records: their packet counts do not match their (few) packets, so the page's self-test
        // (arrows = min(packets, max_packets)) cannot pass; the script must still run without an error
        browser(out.html, records.size(), false);
    }

    /**
     * The samples' frames through the real analyzer, each frame re-timed with a drawn extreme (so
     * time jumps forwards and backwards by up to 2^64 − 1 ns), rendered with their own packets and
     * packet tables: the analyzer's arithmetic (durations, RTTs, relative times, idle expiry) and the
     * renderers' together.
     */
    @Test
    void framesWithExtremeTimestampsThroughTheAnalyzer() throws Exception {
        List<SessionRecord> records = new ArrayList<>();
        List<PacketStore.Packets> packets = new ArrayList<>();
        Map<Long, PacketTable> tables = new LinkedHashMap<>();
        PacketStore store = new PacketStore(HtmlReport.MAX_PACKETS, null);
        PacketStore htmlStore = new PacketStore(HtmlReport.MAX_PACKETS, null);
        for (long id = 0; id < 40; id++) {
            tables.put(id, new PacketTable(id));
        }
        Analyzer a = new Analyzer(r -> {
            records.add(r);
            packets.add(store.take(r.id()));
        });
        a.setPacketListener((s, fromA, seg, ts, phase) -> {
            store.onPacket(s, fromA, seg, ts, phase);
            htmlStore.onPacket(s, fromA, seg, ts, phase);
            PacketTable t = tables.get(s.id());
            if (t != null) {
                t.onPacket(s, fromA, seg, ts, phase);
            }
        });
        for (int round = 0; round < 3; round++) {
            for (Path f : samples()) {
                try (PacketSource src = CaptureFiles.open(f)) {
                    src.readAll((ts, lt, ifId, data, off, caplen, origlen) ->
                            a.onFrame(drawLong(), lt, ifId, data, off, caplen, origlen));
                }
            }
        }
        a.finish();
        assertTrue(records.stream().anyMatch(r -> r.durationNs() < 0), "no session went backwards: change SEED");
        assertTrue(records.stream().anyMatch(r -> r.handshake().rttNs() != null && r.handshake().rttNs() < 0),
                "no negative handshake RTT: change SEED");
        Rendered out = render(records, packets, htmlStore, tables);
        check(records, packets, out);
        for (SessionRecord r : records) {
            for (SessionRecord.EndpointInfo e : List.of(r.clientInfo(), r.serverInfo())) {
                if (e.rttSamples() > 0) {
                    assertTrue(e.rttMinNs() <= e.rttMeanNs() && e.rttMeanNs() <= e.rttMaxNs(),
                            "RTT min ≤ mean ≤ max: " + e);
                }
            }
        }
        assertTrue(out.ladders.contains(" no.  time "), "packet tables were written");
        browser(out.html, records.size(), true);
    }

    /** the page's own script on these extremes, in chromium (skipped without it) */
    private void browser(String page, int sessions, boolean selftest) throws Exception {
        if (!Files.isExecutable(HtmlReportBrowserTest.CHROMIUM)) {
            System.err.println("ExtremeValuesRenderTest: chromium not found, the page's script was not run");
            return;
        }
        Path html = tmp.resolve("extremes.html");
        Files.writeString(html, page);
        Map<String, String> body = HtmlReportBrowserTest.bodyAttributes(HtmlReportBrowserTest.dumpDom(html,
                tmp.resolve("profile")));
        assertEquals("0", body.get("errors"), "page errors: " + body.get("error-text"));
        assertEquals(Integer.toString(sessions), body.get("rows"), "the table lists every session");
        if (selftest) {
            assertEquals("pass", body.get("selftest"), String.valueOf(body));
        }
    }
}
