package io.tcplens.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.capture.CaptureFiles;
import io.tcplens.capture.PacketSource;

import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link HtmlReport} writes its session rows by hand ({@link JsonLine}); the page must be the bytes
 * it was when jackson-core's generator wrote them ({@link JacksonHtmlRows}): on every session of
 * the samples and the public corpus, with their packets for the ladders.
 */
class HtmlReportBytesTest {

    @TestFactory
    Stream<DynamicTest> sameBytesAsJacksonOnEveryCapture() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
        return JsonLinesRendererTest.captures().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            PacketStore mine = new PacketStore(HtmlReport.MAX_PACKETS, null);
            PacketStore theirs = new PacketStore(HtmlReport.MAX_PACKETS, null);
            List<SessionRecord> records = new ArrayList<>();
            Analyzer a = new Analyzer(records::add);
            a.setPacketListener((s, fromA, seg, ts, phase) -> {
                mine.onPacket(s, fromA, seg, ts, phase);
                theirs.onPacket(s, fromA, seg, ts, phase);
            });
            try (PacketSource src = CaptureFiles.open(p)) {
                src.readAll(a::onFrame);
            } catch (io.tcplens.capture.CaptureException e) {
                return;   // not a capture the reader opens
            }
            a.finish();
            StringWriter expected = new StringWriter();
            StringWriter actual = new StringWriter();
            SessionSink oracle = new HtmlReport(expected, theirs, "t <b>" + p.getFileName(), clock, new JacksonHtmlRows());
            SessionSink html = new HtmlReport(actual, mine, "t <b>" + p.getFileName(), clock);
            for (SessionRecord r : records) {
                oracle.session(r);
                html.session(r);
            }
            RunTotals totals = new RunTotals(1, 1, 0, new int[0], List.of("a </script> warning"));
            oracle.finish(totals);
            html.finish(totals);
            assertTrue(actual.toString().contains("t \\u003cb>"), "the '<' of the title is escaped");
            assertEquals(expected.toString(), actual.toString(), p.toString());
        }));
    }

    /** rows holding every ASCII character ('<' and "</script>" among them), non-ASCII text, extreme numbers */
    @Test
    void escapesAsJacksonDidWithTheLessThanSignEscaped() throws Exception {
        StringBuilder every = new StringBuilder("</script>");
        for (char c = 0; c < 128; c++) {
            every.append(c);
        }
        every.append("é → 😀 \u2028 \u00ff");
        Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
        StringWriter expected = new StringWriter();
        StringWriter actual = new StringWriter();
        SessionSink oracle = new HtmlReport(expected, new PacketStore(0, null), "t", clock, new JacksonHtmlRows());
        SessionSink html = new HtmlReport(actual, new PacketStore(0, null), "t", clock);
        for (long n : new long[] {0, 1, 9, 10, -1, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE}) {
            SessionRecord r = JsonLinesRendererTest.record(every.toString(), n);
            oracle.session(r);
            html.session(r);
        }
        RunTotals totals = new RunTotals(1, 1, 0, new int[0], List.of());
        oracle.finish(totals);
        html.finish(totals);
        assertTrue(!actual.toString().contains("</script>\u0000"), "no '<' of a session's text reaches the page");
        assertEquals(expected.toString(), actual.toString());
    }
}
