package io.tcplens.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tcplens.cli.AnalyzeCommandTest.run;
import static io.tcplens.cli.AnalyzeCommandTest.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTML report in a real headless browser (Debian's chromium; CI installs it): loaded with
 * {@code ?selftest}, the page clicks its first rows itself and writes what it found into
 * {@code <body data-...>}: rows listed, arrows drawn per clicked session (one per packet), and
 * every error the page raised (window errors, failed resources, console.error). The DOM is read back
 * with {@code --dump-dom}. Skips, saying why, when chromium is not installed.
 */
public class HtmlReportBrowserTest {

    public static final Path CHROMIUM = Path.of(System.getProperty("tcplens.chromium", "/usr/bin/chromium"));

    @TempDir
    Path tmp;

    static Map<String, String> selftest(Path html, Path profile) throws IOException, InterruptedException {
        return bodyAttributes(dumpDom(html, profile));
    }

    /** the page's DOM after its script ran with {@code ?selftest}, as chromium's --dump-dom writes it */
    public static String dumpDom(Path html, Path profile) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--dump-dom", html.toUri() + "?selftest")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        return dom;
    }

    /** the data-* attributes of {@code <body>}, where the page's self-test writes what it found */
    public static Map<String, String> bodyAttributes(String dom) {
        Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom);
        assertTrue(body.find(), "no <body> in the dumped DOM:\n" + dom.substring(0, Math.min(2000, dom.length())));
        Map<String, String> attrs = new HashMap<>();
        Matcher a = Pattern.compile("data-([a-z-]+)=\"([^\"]*)\"").matcher(body.group(1));
        while (a.find()) {
            attrs.put(a.group(1), a.group(2));
        }
        Matcher info = Pattern.compile("id=\"dinfo\"[^>]*>([^<]*)<").matcher(dom);
        if (info.find()) {
            attrs.put("dinfo", info.group(1));   // what the page says of the ladder last drawn
        }
        return attrs;
    }

    private static void assumeChromium() {
        if (!Files.isExecutable(CHROMIUM)) {
            System.err.println("HtmlReportBrowserTest skipped: " + CHROMIUM + " not found (apt-get install chromium)");
        }
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "chromium is not installed at " + CHROMIUM + " (apt-get install chromium): browser test skipped");
    }

    @Test
    void reportLoadsListsEverySessionAndDrawsLadders() throws Exception {
        assumeChromium();
        Path html = tmp.resolve("report.html");
        List<String> files = List.of("client-close.pcap", "refused.pcap", "reset.pcap", "half-close.pcap",
                "no-answer.pcap", "mixed.pcap");
        String[] args = new String[files.size() + 5];
        args[0] = "analyze";
        args[1] = "--format";
        args[2] = "html";
        args[3] = "-o";
        args[4] = html.toString();
        for (int i = 0; i < files.size(); i++) {
            args[5 + i] = sample(files.get(i));
        }
        AnalyzeCommandTest.Run r = run(args);
        assertEquals(0, r.code(), r.err());
        Map<String, String> body = selftest(html, tmp.resolve("profile"));
        assertEquals("0", body.get("errors"), "page errors: " + body.get("error-text"));
        assertEquals("pass", body.get("selftest"), String.valueOf(body));
        assertEquals("11", body.get("sessions"));
        assertEquals("11", body.get("rows"), "the table lists every session");
        assertEquals("5", body.get("clicked"));
        // the first five sessions in id order: client-close 10, refused 2, reset 10, half-close 14, no-answer 3
        assertEquals("39", body.get("arrows"), "one arrow per packet");
    }

    /**
     * Issue 13, item 13: a ladder budget of 1,312 bytes holds the first packet arrays (16 packets,
     * 656 bytes) of two sessions; mixed.pcap's six sessions are open at once, so sessions 2-5 keep
     * no packets. The page draws sessions 0 and 1 (10 arrows each) and says of the others that their
     * ladder was not kept.
     */
    @Test
    void sessionsOverTheLadderBudgetSaySo() throws Exception {
        assumeChromium();
        Path html = tmp.resolve("budget.html");
        AnalyzeCommandTest.Run r;
        System.setProperty("tcplens.ladder.budget", "1312");
        try {
            r = run("analyze", "--format", "html", "-o", html.toString(), sample("mixed.pcap"));
        } finally {
            System.clearProperty("tcplens.ladder.budget");
        }
        assertEquals(0, r.code(), r.err());
        assertEquals("tcplens: note: the ladders of 4 sessions are cut short: 44 packets were not kept, over the "
                + "report's memory budget for ladders (1312 bytes, by default an eighth of the Java heap; more memory "
                + "keeps more: JAVA_OPTS=-Xmx4g ./tcplens ...)\n", r.err());
        Map<String, String> body = selftest(html, tmp.resolve("profile"));
        assertEquals("0", body.get("errors"), "page errors: " + body.get("error-text"));
        assertEquals("pass", body.get("selftest"), String.valueOf(body));
        assertEquals("6", body.get("rows"));
        assertEquals("5", body.get("clicked"));
        assertEquals("20", body.get("arrows"), "sessions 0 and 1: 10 packets each; 2, 3 and 4: none kept");
        // the last clicked, session 4: 10 packets, none kept
        assertTrue(body.get("dinfo").endsWith(" \u2014 ladder not kept: 10 packets over the report's memory budget "
                + "(a larger Java heap keeps more)"), body.get("dinfo"));
    }

    @Test
    void tenThousandSessionsLoadInBoundedTime() throws Exception {
        assumeChromium();
        Path gen = Path.of(System.getProperty("tcplens.genpcap", "../../shared/bench/gen_pcap.py"));
        Assumptions.assumeTrue(Files.isRegularFile(gen), "generator " + gen + " not found: 10 000-session test skipped");
        Path pcap = tmp.resolve("10k.pcap");
        Process g = new ProcessBuilder("python3", gen.toString(), "--sessions", "10000", "--out", pcap.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(g.waitFor(300, TimeUnit.SECONDS) && g.exitValue() == 0, "gen_pcap.py failed");
        Path html = tmp.resolve("10k.html");
        AnalyzeCommandTest.Run r = run("analyze", "--format", "html", "-o", html.toString(), pcap.toString());
        assertEquals(0, r.code(), r.err());
        Files.delete(pcap);
        long t0 = System.nanoTime();
        Map<String, String> body = selftest(html, tmp.resolve("profile"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.err.println("HtmlReportBrowserTest: 10 000 sessions, " + Files.size(html) / 1_000_000 + " MB: "
                + "page script " + body.get("load-ms") + " ms, chromium start to DOM dump " + ms + " ms");
        assertEquals("0", body.get("errors"), "page errors: " + body.get("error-text"));
        assertEquals("pass", body.get("selftest"), String.valueOf(body));
        assertEquals("10000", body.get("rows"));
        assertTrue(Long.parseLong(body.get("load-ms")) < 30_000, "the page froze: " + body.get("load-ms") + " ms");
    }
}
