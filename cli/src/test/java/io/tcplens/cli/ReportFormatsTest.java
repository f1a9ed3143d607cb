package io.tcplens.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.tcplens.cli.AnalyzeCommandTest.run;
import static io.tcplens.cli.AnalyzeCommandTest.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report formats parsed back: CSV with Commons CSV, Zeek's TSV by its {@code #fields} header,
 * the HTML report's embedded data; every value must equal the JSON Lines one.
 */
class ReportFormatsTest {

    static final String[] ALL = {"client-close.pcap", "server-close.pcap", "refused.pcap", "reset.pcap",
        "half-close.pcap", "no-answer.pcap", "ipv6-client-close.pcap", "mixed.pcap"};

    @TempDir
    Path tmp;

    static String[] args(String format, String... more) {
        List<String> a = new ArrayList<>(List.of("analyze", "--format", format));
        a.addAll(List.of(more));
        for (String f : ALL) {
            a.add(sample(f));
        }
        return a.toArray(String[]::new);
    }

    /** each JSON Lines object flattened: nested names joined with '_', null as null */
    static List<Map<String, String>> jsonl(String text) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        JsonFactory f = new JsonFactory();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            List<String> path = new ArrayList<>();
            try (JsonParser p = f.createParser(line)) {
                String name = null;
                for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                    if (t == JsonToken.FIELD_NAME) {
                        name = p.currentName();
                    } else if (t == JsonToken.START_OBJECT) {
                        if (name != null) {
                            path.add(name);
                        }
                    } else if (t == JsonToken.END_OBJECT) {
                        if (!path.isEmpty()) {
                            path.remove(path.size() - 1);
                        }
                    } else {
                        String key = path.isEmpty() ? name : String.join("_", path) + "_" + name;
                        row.put(key, t == JsonToken.VALUE_NULL ? null : p.getText());
                    }
                }
            }
            rows.add(row);
        }
        return rows;
    }

    @Test
    void csvHasTheJsonLinesValues() throws IOException {
        AnalyzeCommandTest.Run j = run(args("jsonl"));
        AnalyzeCommandTest.Run c = run(args("csv"));
        assertEquals(0, j.code(), j.err());
        assertEquals(0, c.code(), c.err());
        List<Map<String, String>> expected = jsonl(j.out());
        assertEquals(13, expected.size());
        assertTrue(c.out().contains("\r\n") && !c.out().replace("\r\n", "").contains("\n"), "RFC 4180 CRLF line ends");
        try (CSVParser csv = CSVParser.parse(new StringReader(c.out()),
                CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
            List<String> header = csv.getHeaderNames();
            List<CSVRecord> rows = csv.getRecords();
            assertEquals(expected.size(), rows.size());
            for (String k : expected.get(0).keySet()) {
                assertTrue(header.contains(k), "CSV column missing: " + k);
            }
            assertTrue(header.contains("handshake_status") && header.contains("anomalies_c2s_retransmission"));
            for (int i = 0; i < rows.size(); i++) {
                Map<String, String> want = expected.get(i);
                CSVRecord got = rows.get(i);
                for (Map.Entry<String, String> e : want.entrySet()) {
                    assertEquals(e.getValue() == null ? "" : e.getValue(), got.get(e.getKey()),
                            "session " + i + " field " + e.getKey());
                }
                long startNs = Long.parseLong(want.get("start_ns"));
                Instant start = Instant.parse(got.get("start_iso"));
                assertEquals(startNs, start.getEpochSecond() * 1_000_000_000L + start.getNano());
                Instant end = Instant.parse(got.get("end_iso"));
                assertEquals(Long.parseLong(want.get("end_ns")), end.getEpochSecond() * 1_000_000_000L + end.getNano());
            }
            // a diagnosis text with a comma is quoted and reads back whole
            assertTrue(rows.stream().anyMatch(r -> r.get("diagnosis_text").contains(",")));
        }
    }

    @Test
    void csvOfNoSessionsIsAHeaderRow() throws IOException {
        AnalyzeCommandTest.Run c = run(args("csv", "--port", "1"));
        assertEquals(0, c.code(), c.err());
        List<String> lines = c.out().lines().toList();
        assertEquals(1, lines.size());
        AnalyzeCommandTest.Run full = run(args("csv"));
        assertEquals(full.out().lines().findFirst().orElseThrow(), lines.get(0));
    }

    /** Zeek TSV: header lines, then rows read by the #fields line */
    static List<Map<String, String>> zeek(String text, Map<String, String> headers) {
        List<Map<String, String>> rows = new ArrayList<>();
        String[] fields = null;
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                int sep = line.startsWith("#separator ") ? "#separator".length() : line.indexOf('\t');
                String name = line.substring(1, sep);
                String value = line.substring(sep + 1);
                headers.put(name, value);
                if (name.equals("fields")) {
                    fields = value.split("\t", -1);
                }
                continue;
            }
            assertNotNull(fields, "#fields before the rows");
            String[] v = line.split("\t", -1);
            assertEquals(fields.length, v.length, line);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < fields.length; i++) {
                row.put(fields[i], v[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    @Test
    void zeekConnLogHasTheJsonLinesValues() throws Exception {
        AnalyzeCommandTest.Run j = run(args("jsonl"));
        AnalyzeCommandTest.Run z = run(args("zeek"));
        assertEquals(0, z.code(), z.err());
        Map<String, String> headers = new LinkedHashMap<>();
        List<Map<String, String>> rows = zeek(z.out(), headers);
        assertEquals(List.of("separator", "set_separator", "empty_field", "unset_field", "path", "open", "fields",
                "types", "close"), new ArrayList<>(headers.keySet()));
        assertEquals("\\x09", headers.get("separator"));
        assertEquals("conn", headers.get("path"));
        assertEquals("(empty)", headers.get("empty_field"));
        assertEquals("-", headers.get("unset_field"));
        assertEquals("ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes "
                + "conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes "
                + "tunnel_parents", headers.get("fields").replace('\t', ' '));
        assertEquals(headers.get("fields").split("\t").length, headers.get("types").split("\t").length);

        List<Map<String, String>> expected = jsonl(j.out());
        assertEquals(expected.size(), rows.size());
        Map<String, Map<String, String>> byUid = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, String> want = expected.get(i);
            Map<String, String> got = rows.get(i);
            boolean clientOrig = want.get("zeek_originator").equals("client");
            String o = clientOrig ? "client" : "server";
            String r = clientOrig ? "server" : "client";
            String c2s = clientOrig ? "c2s" : "s2c";
            String s2c = clientOrig ? "s2c" : "c2s";
            long start = Long.parseLong(want.get("start_ns"));
            assertEquals(String.format("%d.%06d", start / 1_000_000_000L, (start % 1_000_000_000L + 500) / 1000),
                    got.get("ts"));
            assertTrue(got.get("uid").matches("C[0-9A-Za-z]{10,18}"), got.get("uid"));
            assertEquals(want.get(o + "_addr"), got.get("id.orig_h"));
            assertEquals(want.get(o + "_port"), got.get("id.orig_p"));
            assertEquals(want.get(r + "_addr"), got.get("id.resp_h"));
            assertEquals(want.get(r + "_port"), got.get("id.resp_p"));
            assertEquals("tcp", got.get("proto"));
            long dur = Long.parseLong(want.get("duration_ns"));
            assertEquals(dur > 0 ? String.format("%d.%06d", dur / 1_000_000_000L, (dur % 1_000_000_000L + 500) / 1000) : "-",
                    got.get("duration"));
            assertEquals(dur > 0 ? want.get(o + "_unique_bytes") : "-", got.get("orig_bytes"));
            assertEquals(dur > 0 ? want.get(r + "_unique_bytes") : "-", got.get("resp_bytes"));
            assertEquals(want.get("conn_state"), got.get("conn_state"));
            assertEquals(want.get("history"), got.get("history"));
            assertEquals(want.get("packets_" + c2s), got.get("orig_pkts"));
            assertEquals(want.get("packets_" + s2c), got.get("resp_pkts"));
            assertEquals("-", got.get("service"));
            assertEquals("-", got.get("local_orig"));
            assertEquals("0", got.get("missed_bytes"));
            assertEquals("-", got.get("tunnel_parents"));
            byUid.put(got.get("uid"), got);
        }
        assertEquals(rows.size(), byUid.size(), "uids are unique");
        // stable for a given input
        List<Map<String, String>> again = zeek(run(args("zeek")).out(), new HashMap<>());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(rows.get(i).get("uid"), again.get(i).get("uid"));
        }
        assertIpBytesAsTshark(rows);
    }

    /** orig_ip_bytes/resp_ip_bytes against tshark's IP lengths per stream of one capture */
    private void assertIpBytesAsTshark(List<Map<String, String>> ignored) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark is not installed");
        String file = sample("mixed.pcap");
        Process p = new ProcessBuilder("tshark", "-r", file, "-T", "fields", "-e", "tcp.stream", "-e", "ip.src",
                "-e", "tcp.srcport", "-e", "ip.len").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Map<String, Long> bytesBySender = new HashMap<>(); // "stream src port" -> sum of ip.len
        for (String line : out.split("\n")) {
            String[] v = line.split("\t");
            if (v.length == 4) {
                bytesBySender.merge(v[0] + " " + v[1] + " " + v[2], Long.parseLong(v[3]), Long::sum);
            }
        }
        AnalyzeCommandTest.Run z = run("analyze", "--format", "zeek", file);
        List<Map<String, String>> rows = zeek(z.out(), new HashMap<>());
        assertFalse(rows.isEmpty());
        for (int s = 0; s < rows.size(); s++) {
            Map<String, String> row = rows.get(s);
            assertEquals(bytesBySender.get(s + " " + row.get("id.orig_h") + " " + row.get("id.orig_p")),
                    Long.parseLong(row.get("orig_ip_bytes")), "stream " + s);
            assertEquals(bytesBySender.getOrDefault(s + " " + row.get("id.resp_h") + " " + row.get("id.resp_p"), 0L),
                    Long.parseLong(row.get("resp_ip_bytes")), "stream " + s);
        }
    }

    @Test
    void htmlIsSelfContainedAndCarriesEverySession() throws IOException {
        Path html = tmp.resolve("report.html");
        AnalyzeCommandTest.Run h = run(args("html", "-o", html.toString()));
        assertEquals(0, h.code(), h.err());
        String page = Files.readString(html);
        assertFalse(page.contains("http://") || page.contains("https://"), "no URLs: the page needs no network");
        assertFalse(page.contains("src=\"") || page.contains("@import") || page.contains("url(http"),
                "no external scripts, styles or images");
        int a = page.indexOf("<script id=\"tcplens-data\" type=\"application/json\">");
        int b = page.indexOf("</script>", a);
        String data = page.substring(page.indexOf('>', a) + 1, b);
        List<Long> ids = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(data)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("sessions")) {
                    while (p.nextToken() == JsonToken.START_ARRAY) {
                        p.nextToken();
                        ids.add(p.getLongValue());
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        List<Long> want = new ArrayList<>();
        for (long i = 0; i < 13; i++) {
            want.add(i);
        }
        assertEquals(want, ids);
    }

    @Test
    void aFailedRunLeavesNoReport() {
        for (String format : new String[] {"csv", "zeek", "html"}) {
            Path out = tmp.resolve("r." + format);
            AnalyzeCommandTest.Run r = run("analyze", "--format", format, "-o", out.toString(),
                    sample("mixed.pcap"), tmp.resolve("missing.pcap").toString());
            assertEquals(ExitCode.INPUT_NOT_FOUND, r.code(), r.err());
            assertFalse(Files.exists(out), format);
            try (var dir = Files.list(tmp)) {
                assertEquals(0, dir.count(), "no temporary file left");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }
}
