package io.tcplens.cli;

import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.capture.CaptureFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every session of every capture in the public corpus and in sample-pcaps/ equals, field by field
 * on the DESIGN §3 contract, the record derived from tshark 4.0 (fixtures in
 * src/test/resources/tshark/, made by tools/tshark-fixtures/make_fixtures.py). Differences that
 * are deliberate are listed in {@link #KNOWN} with their reason, and in the README.
 */
class TsharkAgreementTest {

    /** capture (fixture name) → why tcplens differs from tshark there, on purpose */
    static final Map<String, String> KNOWN = new TreeMap<>(Map.of());

    @Test
    void publicCorpusMatchesTshark() throws Exception {
        Path corpus = Path.of(System.getProperty("tcplens.corpus", "../../shared/pcaps/public"));
        Assumptions.assumeTrue(Files.isDirectory(corpus), "public corpus not found at " + corpus);
        compareAll(Path.of("src/test/resources/tshark/public"), corpus);
    }

    @Test
    void samplePcapsMatchTshark() throws Exception {
        Path samples = Path.of(System.getProperty("tcplens.samples", "../sample-pcaps"));
        compareAll(Path.of("src/test/resources/tshark/samples"), samples);
    }

    private void compareAll(Path fixtures, Path root) throws Exception {
        List<Path> tsvs;
        try (Stream<Path> s = Files.list(fixtures)) {
            tsvs = s.filter(p -> p.toString().endsWith(".tsv")).sorted().toList();
        }
        assertTrue(tsvs.size() > 0, "no fixtures in " + fixtures);
        List<String> problems = new ArrayList<>();
        int sessions = 0;
        int equal = 0;
        for (Path tsv : tsvs) {
            String name = tsv.getFileName().toString().replaceFirst("\\.tsv$", "");
            Path capture = root.resolve(name.replace("__", "/"));
            List<Map<String, String>> expected = TsharkFixtures.read(tsv);
            List<SessionRecord> actual = TsharkFixtures.analyze(capture, CaptureFiles.Reader.BUILTIN);
            List<String> here = diff(expected, actual);
            sessions += expected.size();
            equal += expected.size() - (int) here.stream().map(l -> l.split(" ")[0]).distinct().count();
            if (!here.isEmpty() && !KNOWN.containsKey(name)) {
                for (String l : here) {
                    problems.add(name + " " + l);
                }
            }
        }
        System.out.printf("tshark agreement in %s: %d of %d sessions equal on all contract fields%n",
                fixtures, equal, sessions);
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "tshark-differences-" + fixtures.getFileName() + ".txt"), problems);
        assertEquals(List.of(), problems.size() > 80 ? problems.subList(0, 80) : problems,
                problems.size() + " differences from tshark");
    }

    /** "session#id field: tshark=X tcplens=Y" lines; a missing or extra session is one line */
    static List<String> diff(List<Map<String, String>> expected, List<SessionRecord> actual) {
        List<String> out = new ArrayList<>();
        int n = Math.max(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (i >= actual.size()) {
                out.add("#" + i + " missing: tshark has stream " + expected.get(i).get("id"));
                continue;
            }
            if (i >= expected.size()) {
                out.add("#" + i + " extra: tcplens has " + TsharkFixtures.columns(actual.get(i)));
                continue;
            }
            Map<String, String> ours = TsharkFixtures.columns(actual.get(i));
            for (String f : TsharkFixtures.FIELDS) {
                String want = expected.get(i).getOrDefault(f, "");
                if (!want.equals(ours.get(f))) {
                    out.add("#" + i + " " + f + ": tshark=" + want + " tcplens=" + ours.get(f));
                }
            }
        }
        return out;
    }
}
