package io.tcplens.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every capture of the public corpus read by the built-in readers must give what tshark 4.0 reports
 * (fixtures made by src/test/resources/make-frame-fixtures.sh): frame count, and per frame the
 * epoch-ns timestamp, caplen, origlen, link type, interface id and MD5 of the bytes (compared as a
 * SHA-256 over all frames, plus the first and last 3 frames one by one).
 */
class CorpusFramesTest {

    record Fixture(long frames, String sha256, List<String> sampled, List<String> notes) {
    }

    static Fixture fixture(String name) throws Exception {
        InputStream in = CorpusFramesTest.class.getResourceAsStream("/frame-fixtures/" + name + ".tsv");
        assertNotNull(in, "no fixture for " + name + ": run capture/src/test/resources/make-frame-fixtures.sh");
        long frames = -1;
        String sha = null;
        List<String> sampled = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split("\t", 2);
                switch (f[0]) {
                    case "frames" -> frames = Long.parseLong(f[1]);
                    case "sha256" -> sha = f[1];
                    case "frame" -> sampled.add(f[1]);
                    case "note" -> notes.add(f[1]);
                    default -> { }
                }
            }
        }
        return new Fixture(frames, sha, sampled, notes);
    }

    /** frame lines in the fixture format: index, ts_ns, caplen, len, linktype, ifid, md5 */
    static final class Lines implements FrameHandler {
        final List<String> lines = new ArrayList<>();
        private final MessageDigest md5;

        Lines() throws Exception {
            md5 = MessageDigest.getInstance("MD5");
        }

        @Override
        public void onFrame(long ts, int linkType, int ifId, byte[] data, int off, int caplen, int origlen) {
            md5.update(data, off, caplen);
            lines.add(ts + "\t" + caplen + "\t" + origlen + "\t" + linkType + "\t" + ifId + "\t"
                    + HexFormat.of().formatHex(md5.digest()));
        }

        String sha256() throws Exception {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String l : lines) {
                sha.update((l + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            return HexFormat.of().formatHex(sha.digest());
        }

        List<String> sampled() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (i < 3 || i >= lines.size() - 3) {
                    out.add((i + 1) + "\t" + lines.get(i));
                }
            }
            return out;
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusFileMatchesTshark() throws Exception {
        Path dir = Corpus.dir();
        Assumptions.assumeTrue(dir != null, "corpus directory (system property tcplens.corpus) not found");
        List<Path> files = Corpus.captures(dir);
        Assumptions.assumeTrue(!files.isEmpty(), "no captures in " + dir);
        return files.stream().map(f -> DynamicTest.dynamicTest(Corpus.name(dir, f), () -> {
            Fixture want = fixture(Corpus.name(dir, f));
            Lines got = new Lines();
            ReadResult r;
            try (PacketSource src = CaptureFiles.open(f)) {
                r = src.readAll(got);
            }
            assertNull(r.warning(), "tshark reads the whole file");
            assertEquals(want.frames, r.frames(), "frame count");
            assertEquals(want.sampled, got.sampled(), "first and last frames");
            assertEquals(want.sha256, got.sha256(), "digest over all frames");
        }));
    }

    /**
     * tcpdump's timestamp_invalid_nano.pcap: record fractions 999999999, 1000000000 and 0x80000000
     * (read from the file's bytes). tshark 4.0 prints the second as "1418145370.1000000000" and takes
     * the third as signed (-2147483648 ns, printed "-1418145370.2147483648"); tcplens reads the
     * fraction unsigned, as the pcap draft says, and carries it into the seconds.
     */
    @Test
    void invalidNanosecondFractionsAreCarried() throws Exception {
        Path dir = Corpus.dir();
        Assumptions.assumeTrue(dir != null, "corpus directory (system property tcplens.corpus) not found");
        Path f = dir.resolve("tcpdump/timestamp_invalid_nano.pcap");
        Assumptions.assumeTrue(f.toFile().isFile(), "timestamp_invalid_nano.pcap not in the corpus");
        Frame.Collector c = new Frame.Collector();
        try (PacketSource src = CaptureFiles.open(f)) {
            assertEquals(new ReadResult(3, 292, null), src.readAll(c));
        }
        assertEquals(1_418_145_369_999_999_999L, c.frames.get(0).ts()); // 0x54872e59 s + 999999999 ns
        assertEquals(1_418_145_371_000_000_000L, c.frames.get(1).ts()); // 0x54872e5a s + 1000000000 ns
        assertEquals(1_418_145_372_147_483_648L, c.frames.get(2).ts()); // 0x54872e5a s + 2147483648 ns
    }
}
