package io.tcplens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated damage (issue 8): every sample capture cut at every offset, and overwritten with
 * seeded random bytes; the public corpus's malformed and truncated captures. tcplens never prints
 * a stack trace, prints at most one warning, exits 0 (complete), 5 (partial) or 4 (the file
 * header itself is destroyed), and a cut capture reports exactly the sessions of its complete
 * records: the same report as the file cut at the last record boundary before the damage.
 */
class DamagedCaptureTest {

    static final Path SAMPLES = AnalyzeCommandTest.SAMPLES;
    static final Path CORPUS = Path.of(System.getProperty("tcplens.corpus", "../../shared/pcaps/public"));
    /** fixed seed: a failure names the file and offset and reproduces */
    static final long SEED = 0x7C91E45L;

    @TempDir
    Path tmp;

    static Stream<String> samples() throws IOException {
        try (Stream<Path> s = Files.list(SAMPLES)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pcap")).sorted().toList().stream();
        }
    }

    /** file offsets where a record (pcap) or block (pcapng) ends; the first is the end of the file header */
    static List<Integer> boundaries(byte[] f) {
        List<Integer> ends = new ArrayList<>();
        int magic = ByteBuffer.wrap(f, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        if (magic == 0x0A0D0D0A) {
            ByteOrder order = f[8] == 0x4D ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            int p = 0;
            while (p + 8 <= f.length) {
                int len = ByteBuffer.wrap(f, p + 4, 4).order(order).getInt();
                p += len;
                ends.add(p);
            }
        } else {
            ByteOrder order = (magic == 0xA1B2C3D4 || magic == 0xA1B23C4D) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            int p = 24;
            ends.add(p);
            while (p + 16 <= f.length) {
                p += 16 + ByteBuffer.wrap(f, p + 8, 4).order(order).getInt();
                ends.add(p);
            }
        }
        return ends;
    }

    AnalyzeCommandTest.Run runOn(byte[] bytes, String name) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return AnalyzeCommandTest.run("analyze", "--brief", p.toString());
    }

    static void assertRules(AnalyzeCommandTest.Run r, String what) {
        assertTrue(r.code() == 0 || r.code() == 4 || r.code() == 5, what + ": exit " + r.code() + "\n" + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), what + ": stack trace\n" + r.err());
        long warnings = r.errLines().stream().filter(l -> l.startsWith("tcplens: warning: ")).count();
        assertTrue(warnings <= 1, what + ": " + warnings + " warnings\n" + r.err());
        assertTrue(r.errLines().stream().allMatch(l -> l.startsWith("tcplens: ")), what + ": stray stderr\n" + r.err());
        if (r.code() == 5) {
            assertEquals(1, warnings, what + ": partial without its warning\n" + r.err());
        }
        if (r.code() == 4) {
            assertEquals(1, r.errLines().size(), what + "\n" + r.err());
            assertEquals("", r.out(), what);
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void cutAtEveryOffset(String sample) throws IOException {
        byte[] whole = Files.readAllBytes(SAMPLES.resolve(sample));
        List<Integer> ends = boundaries(whole);
        Map<Integer, String> reportAtBoundary = new HashMap<>();
        for (int cut = 0; cut < whole.length; cut++) {
            byte[] part = Arrays.copyOf(whole, cut);
            AnalyzeCommandTest.Run r = runOn(part, "cut.pcap");
            String what = sample + " cut at byte " + cut;
            assertRules(r, what);
            if (cut < 24) {
                assertEquals(4, r.code(), what + "\n" + r.err());
                continue;
            }
            int last = 24;
            for (int e : ends) {
                if (e <= cut) {
                    last = e;
                }
            }
            boolean atBoundary = last == cut;
            assertEquals(atBoundary ? 0 : 5, r.code(), what + "\n" + r.err());
            final int boundary = last;
            String expected = reportAtBoundary.computeIfAbsent(boundary, b -> {
                try {
                    return runOn(Arrays.copyOf(whole, b), "boundary.pcap").out();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            assertEquals(expected, r.out(), what + ": sessions differ from the complete records' (cut at " + boundary + ")");
            if (!atBoundary) {
                assertTrue(r.err().contains("at byte " + boundary), what + ": warning names the offset\n" + r.err());
                int record = ends.indexOf(boundary) + 1;   // 1-based number of the record cut short
                assertTrue(r.err().contains("record " + record + " "), what + ": warning names record " + record + "\n" + r.err());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void seededRandomOverwrites(String sample) throws IOException {
        byte[] whole = Files.readAllBytes(SAMPLES.resolve(sample));
        Random rnd = new Random(SEED ^ sample.hashCode());
        for (int trial = 0; trial < 150; trial++) {
            byte[] damaged = whole.clone();
            int n = 1 + rnd.nextInt(trial % 3 == 0 ? 32 : 4);
            int lowest = Integer.MAX_VALUE;
            StringBuilder where = new StringBuilder();
            for (int i = 0; i < n; i++) {
                int at = rnd.nextInt(damaged.length);
                damaged[at] = (byte) rnd.nextInt(256);
                lowest = Math.min(lowest, at);
                where.append(at).append(' ');
            }
            AnalyzeCommandTest.Run r = runOn(damaged, "damaged.pcap");
            String what = sample + " trial " + trial + " (seed " + SEED + ") overwritten at " + where;
            assertRules(r, what);
            if (r.code() == 4) {
                assertTrue(lowest < 4, what + ": not a capture although the magic is intact\n" + r.err());
            }
        }
    }

    /** a few corpus captures of other formats: seeded cuts and overwrites */
    @Test
    void corpusCapturesCutAndOverwritten() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(CORPUS), "public corpus not found at " + CORPUS);
        Random rnd = new Random(SEED);
        for (String name : List.of("tcpdump/of13_ericsson.pcapng", "tcpdump/pptp.pcap", "zeek/ldap/issue-32.pcapng",
                "tcpdump/ipoib.pcap", "tcpdump/bigtcp-ipv6-hbh.pcap", "zeek/tcp/truncated-header.pcap")) {
            Path f = CORPUS.resolve(name);
            Assumptions.assumeTrue(Files.isRegularFile(f), "missing " + f);
            byte[] whole = Files.readAllBytes(f);
            for (int trial = 0; trial < 60; trial++) {
                int cut = rnd.nextInt(whole.length);
                assertRules(runOn(Arrays.copyOf(whole, cut), "c"), name + " cut at " + cut);
                byte[] damaged = whole.clone();
                StringBuilder where = new StringBuilder();
                for (int i = 0, n = 1 + rnd.nextInt(16); i < n; i++) {
                    int at = rnd.nextInt(damaged.length);
                    damaged[at] = (byte) rnd.nextInt(256);
                    where.append(at).append(' ');
                }
                assertRules(runOn(damaged, "d"), name + " overwritten at " + where);
            }
        }
    }

    /** every malformed and truncated capture of the corpus (categories in its SOURCES.md) */
    @Test
    void corpusMalformedAndTruncatedCaptures() throws IOException {
        Path sources = CORPUS.resolve("SOURCES.md");
        Assumptions.assumeTrue(Files.isRegularFile(sources), "public corpus not found at " + CORPUS);
        String dir = null;
        int tried = 0;
        for (String line : Files.readAllLines(sources)) {
            if (line.startsWith("## `")) {
                dir = line.substring(4, line.indexOf('`', 4));
            }
            String[] cells = line.split("\\|");
            if (dir == null || cells.length < 5 || !cells[1].trim().startsWith("`")) {
                continue;
            }
            String category = cells[3].trim();
            if (!category.equals("malformed") && !category.equals("truncated")) {
                continue;
            }
            Path f = CORPUS.resolve(dir).resolve(cells[1].trim().replace("`", ""));
            AnalyzeCommandTest.Run r = AnalyzeCommandTest.run("analyze", "--brief", f.toString());
            assertRules(r, f.toString());
            assertTrue(r.code() == 0 || r.code() == 5, f + ": exit " + r.code() + "\n" + r.err());
            assertTrue(r.out().matches("(?s).*\\d+ frames? read: .*"), f + ": no summary\n" + r.out());
            tried++;
        }
        assertTrue(tried >= 10, "only " + tried + " malformed/truncated captures found in " + sources);
    }
}
