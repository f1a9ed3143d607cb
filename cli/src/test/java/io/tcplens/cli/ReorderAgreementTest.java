package io.tcplens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.DecodeStats;
import io.tcplens.analyzer.session.InIdOrder;
import io.tcplens.capture.CaptureException;
import io.tcplens.capture.CaptureFiles;
import io.tcplens.capture.PacketSource;
import io.tcplens.capture.PcapWriter;
import io.tcplens.cli.render.ReportFormat;
import io.tcplens.cli.render.RunTotals;
import io.tcplens.cli.render.Sinks;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analyze} renders the line formats as sessions end and puts the text in order of id
 * ({@code IdOrderedOutput}). Its report must be the same byte for byte whether the held text stays
 * in memory or is spilled to the temporary file, and the same as rendering the records themselves in
 * order of id (as before): on the sample captures and the public corpus, in every format (the HTML
 * page's rows are separated by the ordering, between the texts that are not empty).
 */
class ReorderAgreementTest {

    static final List<String> FORMATS = List.of("jsonl", "csv", "zeek", "text", "html");

    /** a budget so small every held session's text is spilled */
    static final long SPILL_ALL = 0;

    /** the report with a given reorder budget */
    static AnalyzeCommandTest.Run run(long budget, String... args) {
        long before = AnalyzeCommand.reorderBudget;
        AnalyzeCommand.reorderBudget = budget;
        try {
            return AnalyzeCommandTest.run(args);
        } finally {
            AnalyzeCommand.reorderBudget = before;
        }
    }

    /** Zeek's #open and #close lines and the HTML page's "generated" carry the time of the run: the one difference between runs */
    static String withoutRunTimes(String report) {
        return report.replaceAll("(?m)^#(open|close)\t[^\n]*\n", "").replaceAll("\"generated\":\"[^\"]*\"", "");
    }

    static void assertSame(Path capture, String... options) {
        String[] args = Stream.concat(Stream.of("analyze"), Stream.concat(Stream.of(options),
                Stream.of(capture.toString()))).toArray(String[]::new);
        String what = capture + " " + String.join(" ", options);
        AnalyzeCommandTest.Run memory = run(Long.MAX_VALUE, args);
        AnalyzeCommandTest.Run spilled = run(SPILL_ALL, args);
        assertEquals(memory.code(), spilled.code(), what + ": exit code");
        assertEquals(withoutRunTimes(memory.out()), withoutRunTimes(spilled.out()), what + ": report");
        assertEquals(memory.err(), spilled.err(), what + ": messages");
    }

    /** The report of records put in order of id first (InIdOrder), then rendered: null if the capture cannot be read. */
    static Reference inIdOrder(Path capture, String format) {
        StringWriter out = new StringWriter();
        try {
            Sinks.Report report = Sinks.create(ReportFormat.valueOf(format), out, true, null,
                    Sinks.title(List.of(capture)), null, java.time.Clock.systemUTC());
            long[] lastEnded = {-1};
            boolean[] outOfOrder = {false};
            InIdOrder ordered = new InIdOrder(r -> {
                try {
                    report.sink().session(r);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Analyzer analyzer = new Analyzer(Analyzer.DEFAULT_IDLE_TIMEOUT_NS, Analyzer.DEFAULT_CLOSE_LINGER_NS, r -> {
                outOfOrder[0] |= r.id() < lastEnded[0];
                lastEnded[0] = Math.max(lastEnded[0], r.id());
                ordered.onSession(r);
            });
            if (report.packets() != null) {
                analyzer.setPacketListener(report.packets());
            }
            try (PacketSource src = CaptureFiles.open(capture, CaptureFiles.Reader.BUILTIN)) {
                src.readAll(analyzer::onFrame);
            } catch (CaptureException e) {
                return null;
            }
            analyzer.finish();
            DecodeStats st = analyzer.stats();
            report.sink().finish(new RunTotals(st.frames(), st.tcpSegments(), st.frames() - st.tcpSegments(),
                    st.unsupportedLinkTypes(), List.of()));
            return new Reference(out.toString(), outOfOrder[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Reference(String report, boolean outOfOrder) {
    }

    static void assertAgrees(Path capture) {
        for (String format : FORMATS) {
            assertSame(capture, "--format", format);
            Reference ref = inIdOrder(capture, format);
            if (ref != null) {
                AnalyzeCommandTest.Run spilled = run(SPILL_ALL, "analyze", "--format", format, capture.toString());
                assertEquals(withoutRunTimes(ref.report()), withoutRunTimes(spilled.out()),
                        capture + " " + format + ": report rendered as sessions end vs. in order of id");
            }
        }
        // filtered sessions leave no text but still move the order on; a --session ID for JSON Lines
        assertSame(capture, "--format", "jsonl", "--outcome", "closed,reset");
        assertSame(capture, "--format", "text", "--brief", "--outcome", "no_answer,open,closing,refused");
        assertSame(capture, "--format", "csv", "--session", "1");
        assertSame(capture, "--format", "html", "--outcome", "closed,reset");
    }

    @TestFactory
    Stream<DynamicTest> samples() throws Exception {
        return ThreadsAgreementTest.captures(TsharkFixtures.samples()).stream().map(p ->
                DynamicTest.dynamicTest(p.getFileName().toString(), () -> assertAgrees(p)));
    }

    @TestFactory
    Stream<DynamicTest> corpus() throws Exception {
        Path corpus = TsharkFixtures.corpus();
        return ThreadsAgreementTest.captures(corpus).stream().map(p ->
                DynamicTest.dynamicTest(corpus.relativize(p).toString(), () -> assertAgrees(p)));
    }

    /**
     * A generated capture where most sessions end before an older one: a session every 3 s for
     * 15 min; every fifth is a SYN never answered (it ends at the 300 s idle timeout), every fifth is
     * refused, the others exchange a request and a reply and close (they end 60 s after the close).
     */
    @Test
    void sessionsEndingLongBeforeAnUnansweredSyn() throws Exception {
        Path capture = tmp.resolve("unanswered.pcap");
        writeUnansweredSyns(capture, 300);
        Reference ref = inIdOrder(capture, "jsonl");
        assertTrue(ref.outOfOrder(), "the generated sessions should end out of order");
        assertEquals(300, ref.report().lines().count());
        assertAgrees(capture);
    }

    @TempDir
    Path tmp;

    private static void writeUnansweredSyns(Path file, int sessions) throws IOException {
        try (PcapWriter w = new PcapWriter(file, 1, 65535, false)) {
            for (int i = 0; i < sessions; i++) {
                long t = 1_700_000_000_000_000_000L + i * 3_000_000_000L;
                byte[] client = {10, 1, (byte) (i >> 8), (byte) i};
                byte[] server = {(byte) 192, 0, 2, 1};
                int cport = 40_000 + i;
                int sport = 80;
                long cs = 1000L * i;
                long ss = 7_000_000L + i;
                Segment c = new Segment(client, cport, server, sport);
                Segment s = new Segment(server, sport, client, cport);
                c.write(w, t, SYN, cs, 0, "");
                switch (i % 5) {
                    case 0 -> { }   // never answered
                    case 1 -> s.write(w, t + 10_000, RST | ACK, 0, cs + 1, "");
                    default -> {
                        String req = "GET /" + i + " HTTP/1.0\r\n\r\n";
                        String rep = "HTTP/1.0 200 OK\r\n\r\nsession " + i + " → é\n";
                        int replen = rep.getBytes(StandardCharsets.UTF_8).length;
                        s.write(w, t + 20_000, SYN | ACK, ss, cs + 1, "");
                        c.write(w, t + 40_000, ACK, cs + 1, ss + 1, "");
                        c.write(w, t + 50_000, PSH | ACK, cs + 1, ss + 1, req);
                        s.write(w, t + 70_000, PSH | ACK, ss + 1, cs + 1 + req.length(), rep);
                        c.write(w, t + 90_000, FIN | ACK, cs + 1 + req.length(), ss + 1 + replen, "");
                        s.write(w, t + 110_000, FIN | ACK, ss + 1 + replen, cs + 2 + req.length(), "");
                        c.write(w, t + 130_000, ACK, cs + 2 + req.length(), ss + 2 + replen, "");
                    }
                }
            }
        }
    }

    private static final int FIN = 0x01;
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int PSH = 0x08;
    private static final int ACK = 0x10;

    /** Ethernet + IPv4 + TCP (no options) frames of one direction */
    private record Segment(byte[] src, int sport, byte[] dst, int dport) {
        void write(PcapWriter w, long tsNs, int flags, long seq, long ack, String payload) throws IOException {
            byte[] data = payload.getBytes(StandardCharsets.UTF_8);
            ByteBuffer f = ByteBuffer.allocate(54 + data.length);
            f.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0});
            f.put((byte) 0x45).put((byte) 0).putShort((short) (40 + data.length)).putShort((short) 0)
                    .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0).put(src).put(dst);
            f.putShort((short) sport).putShort((short) dport).putInt((int) seq).putInt((int) ack)
                    .put((byte) 0x50).put((byte) flags).putShort((short) 64240).putShort((short) 0).putShort((short) 0);
            f.put(data);
            w.write(tsNs, f.array(), 0, f.capacity(), f.capacity());
        }
    }
}
