package io.tcplens.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.session.ClientBasis;
import io.tcplens.analyzer.session.CloseKind;
import io.tcplens.analyzer.session.EndReason;
import io.tcplens.analyzer.session.HandshakeStatus;
import io.tcplens.analyzer.session.Role;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.analyzer.session.TcpState;
import io.tcplens.capture.CaptureFiles;
import io.tcplens.capture.PacketSource;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link JsonLinesRenderer} (hand-written, {@link JsonLine}) writes every byte jackson-core's
 * generator wrote ({@link JacksonJsonLines}): on every session of the samples and the public corpus,
 * and on records with every ASCII character, non-ASCII text and extreme numbers in their fields.
 */
class JsonLinesRendererTest {

    static String render(List<SessionRecord> records, boolean jackson) throws Exception {
        StringWriter w = new StringWriter();
        SessionSink sink = jackson ? new JacksonJsonLines(w) : new JsonLinesRenderer(w);
        for (SessionRecord r : records) {
            sink.session(r);
        }
        sink.finish(null);
        return w.toString();
    }

    static List<Path> captures() throws Exception {
        List<Path> out = new ArrayList<>();
        for (String dir : new String[] {System.getProperty("tcplens.samples", "../sample-pcaps"),
                System.getProperty("tcplens.corpus", "../../shared/pcaps/public")}) {
            if (!Files.isDirectory(Path.of(dir))) {
                continue;
            }
            try (Stream<Path> s = Files.walk(Path.of(dir))) {
                s.filter(p -> p.toString().matches(".*\\.(pcap|pcapng|cap)$")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> sameBytesAsJacksonOnEverySession() throws Exception {
        return captures().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            List<SessionRecord> records = new ArrayList<>();
            Analyzer a = new Analyzer(records::add);
            try (PacketSource src = CaptureFiles.open(p)) {
                src.readAll(a::onFrame);
            } catch (io.tcplens.capture.CaptureException e) {
                return;   // not a capture the reader opens: nothing to render
            }
            a.finish();
            assertEquals(render(records, true), render(records, false), p.toString());
        }));
    }

    @Test
    void escapesAndNumbersAsJacksonDoes() throws Exception {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 128; c++) {
            every.append(c);
        }
        every.append("é → 😀 \u2028 \u00ff");
        List<SessionRecord> records = new ArrayList<>();
        for (long n : new long[] {0, 1, 9, 10, 99, 100, -1, -10, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE}) {
            records.add(record(every.toString(), n));
        }
        records.add(record("", 7));
        records.add(record("\"\\", 7));
        assertEquals(render(records, true), render(records, false));
    }

    static SessionRecord record(String text, long n) {
        SessionRecord.EndpointInfo e = new SessionRecord.EndpointInfo(1460, 7, true, false, n, n, 3, 2,
                n, n, null, 0, n, 0, 0, 0, TcpState.TIME_WAIT);
        return new SessionRecord(n, 6, text, 80, "::1", 65535, ClientBasis.SYN, n, n, n, n, n, n,
                1, 1, 1, 1, 0, 0,
                new SessionRecord.HandshakeInfo(HandshakeStatus.values()[0], n, null, n, null, 2, true),
                new SessionRecord.CloseInfo(Role.SERVER, CloseKind.FIN, true, false, true, null, n, null, n),
                new SessionRecord.DataInfo(0, 0, null, null, null),
                TcpState.CLOSED, TcpState.LAST_ACK, EndReason.values()[0],
                new SessionRecord.ZeekInfo("SF", text, Role.CLIENT),
                new SessionRecord.Anomalies(Map.of(), Map.of()), 31, n, e, e, List.of());
    }
}
