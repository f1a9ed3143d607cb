package io.tcplens.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.capture.CaptureFiles;
import io.tcplens.capture.PacketSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CSV header row is written before any session (sessions are rendered as they end, in any
 * order), so it must be what every session's row flattens to: the same names in the same order.
 */
class CsvHeaderTest {

    @Test
    void everySessionFlattensToTheHeader() throws Exception {
        List<String> header = TemplateRecord.csvHeader();
        CsvRenderer csv = CsvRenderer.flattener();
        for (SessionRecord r : records()) {
            List<String> names = new ArrayList<>();
            for (String[] f : csv.flatten(r)) {
                names.add(f[0]);
            }
            assertEquals(header, names, "session " + r.id());
        }
    }

    /** a row is written straight from the walk; it must be the flattened values, quoted and joined */
    @Test
    void eachRowIsTheFlattenedValues() throws Exception {
        CsvRenderer flattener = CsvRenderer.flattener();
        java.io.StringWriter out = new java.io.StringWriter();
        CsvRenderer csv = new CsvRenderer(out);
        out.getBuffer().setLength(0);   // the header row
        int rows = 0;
        for (SessionRecord r : records()) {
            csv.session(r);
            List<String> values = new ArrayList<>();
            for (String[] f : flattener.flatten(r)) {
                values.add(CsvRenderer.quote(f[1]));
            }
            assertEquals(String.join(",", values) + "\r\n", out.toString(), "session " + r.id());
            out.getBuffer().setLength(0);
            rows++;
        }
        assertTrue(rows > 10, "rows: " + rows);
    }

    static List<SessionRecord> records() throws Exception {
        List<SessionRecord> records = new ArrayList<>();
        Path samples = Path.of(System.getProperty("tcplens.samples", "../sample-pcaps"));
        try (Stream<Path> files = Files.list(samples)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".pcap")).sorted().toList()) {
                Analyzer analyzer = new Analyzer(records::add);
                try (PacketSource src = CaptureFiles.open(p)) {
                    src.readAll(analyzer::onFrame);
                }
                analyzer.finish();
            }
        }
        assertFalse(records.isEmpty(), "no sessions in " + samples);
        records.add(TemplateRecord.record());
        return records;
    }
}
