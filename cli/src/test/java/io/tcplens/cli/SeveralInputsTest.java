package io.tcplens.cli;

import static io.tcplens.cli.AnalyzeCommandTest.run;
import static io.tcplens.cli.AnalyzeCommandTest.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcplens.capture.LibpcapFileReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several inputs and how one bad one counts (issue 13, items 7 and 8, README "Complete or
 * partial"): an input that is not a capture among others is one warning and exit 5 with every
 * session of the others; a lone one, or a run of nothing else, is exit 4. {@code -r FILE} as
 * tcpdump. libpcap stopping at a corrupt block keeps the sessions read so far.
 */
class SeveralInputsTest {

    @TempDir
    Path tmp;

    static final String A = sample("half-close.pcap");
    static final String B = sample("reset.pcap");

    /** the kinds of "not a capture" the issue names: empty, 10 bytes (a pcap magic, header cut short), text */
    Path[] notCaptures() throws Exception {
        byte[] ten = Arrays.copyOf(Files.readAllBytes(Path.of(A)), 10);
        return new Path[] {
            Files.write(tmp.resolve("empty.pcap"), new byte[0]),
            Files.write(tmp.resolve("ten.pcap"), ten),
            Files.write(tmp.resolve("notes.txt"), "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)),
        };
    }

    /** the message CaptureFiles gives for each of {@link #notCaptures} */
    static String[] messages(Path[] p) {
        return new String[] {
            p[0] + " is empty (0 bytes), not a pcap or pcapng capture",
            p[1] + " is cut short: the pcap file header needs 24 bytes, only 10 present",
            p[2] + " is not a pcap or pcapng capture (magic 0x47455420 \"GET \"); tcplens reads pcap (a1b2c3d4,"
                    + " a1b23c4d) and pcapng (0a0d0d0a)",
        };
    }

    @Test
    void aFileThatIsNotACaptureAmongOthersIsOneWarningAndTheOthersAreReported() throws Exception {
        AnalyzeCommandTest.Run both = run("analyze", A, B);
        assertEquals(0, both.code(), both.err());
        Path[] bad = notCaptures();
        String[] why = messages(bad);
        for (int i = 0; i < bad.length; i++) {
            for (List<String> order : List.of(List.of(A, bad[i].toString(), B), List.of(bad[i].toString(), A, B),
                    List.of(A, B, bad[i].toString()))) {
                List<String> args = new java.util.ArrayList<>(List.of("analyze"));
                args.addAll(order);
                AnalyzeCommandTest.Run r = run(args.toArray(String[]::new));
                assertEquals(new AnalyzeCommandTest.Run(5, both.out(),
                        "tcplens: warning: " + why[i] + ": skipped it, the other inputs were read\n"), r, order.toString());
            }
        }
    }

    @Test
    void aSingleInputThatIsNotACaptureIsExit4AndSoIsARunOfNothingElse() throws Exception {
        Path[] bad = notCaptures();
        String[] why = messages(bad);
        for (int i = 0; i < bad.length; i++) {
            assertEquals(new AnalyzeCommandTest.Run(4, "", "tcplens: " + why[i] + "\n"), run("analyze", bad[i].toString()));
        }
        assertEquals(new AnalyzeCommandTest.Run(4, "", "tcplens: " + why[0] + "; the other input is not one either\n"),
                run("analyze", bad[0].toString(), bad[2].toString()));
        assertEquals(new AnalyzeCommandTest.Run(4, "", "tcplens: " + why[1] + "; none of the other 2 inputs is one either\n"),
                run("analyze", bad[1].toString(), bad[0].toString(), bad[2].toString()));
    }

    @Test
    void showAndExtractReadSeveralInputsTheSameWay() throws Exception {
        Path empty = notCaptures()[0];
        String warning = "tcplens: warning: " + empty + " is empty (0 bytes), not a pcap or pcapng capture: skipped it,"
                + " the other inputs were read\n";
        AnalyzeCommandTest.Run show = run("show", A, B, "--session", "1");
        assertEquals(0, show.code(), show.err());
        assertEquals(new AnalyzeCommandTest.Run(5, show.out(), warning), run("show", A, empty.toString(), B, "--session", "1"));

        Path whole = tmp.resolve("whole.pcap");
        Path skipped = tmp.resolve("skipped.pcap");
        AnalyzeCommandTest.Run ex = run("extract", A, B, "--session", "1", "-w", whole.toString());
        assertEquals(0, ex.code(), ex.err());
        AnalyzeCommandTest.Run ex2 = run("extract", A, empty.toString(), B, "--session", "1", "-w", skipped.toString());
        assertEquals(new AnalyzeCommandTest.Run(5, "", ex.err().replace(whole.toString(), skipped.toString()) + warning), ex2);
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(skipped));
    }

    @Test
    void dashRIsAnInputAsInTcpdump() {
        AnalyzeCommandTest.Run both = run("analyze", "--brief", A, B);
        assertEquals(0, both.code(), both.err());
        assertEquals(both, run("analyze", "--brief", "-r", A, "-r", B));
        assertEquals(both, run("analyze", "--brief", "-r", A, B));
        AnalyzeCommandTest.Run show = run("show", "--session", "0", A);
        assertEquals(show, run("show", "--session", "0", "-r", A));
        assertEquals(new AnalyzeCommandTest.Run(2, "", "tcplens: no capture given: name one (FILE, -r FILE, or - for"
                + " standard input) (see: tcplens analyze --help)\n"), run("analyze", "--brief"));
        assertEquals(new AnalyzeCommandTest.Run(2, "", "tcplens: standard input (-) can be read only once (see: tcplens"
                + " analyze --help)\n"), run("analyze", "-", "-r", "-"));
    }

    @Test
    void extractRefusesAStreamItWouldHaveToReadTwice() {
        AnalyzeCommandTest.Run r = run("extract", "-", "--session", "0", "-w", tmp.resolve("x.pcap").toString());
        assertEquals(new AnalyzeCommandTest.Run(2, "", "tcplens: standard input is a pipe or FIFO, but extract reads its"
                + " input twice (to find the session, then to copy its frames): save the capture to a file first (e.g."
                + " tcpdump -w FILE), then give FILE (see: tcplens extract --help)\n"), r);
    }

    @Test
    void libpcapStoppingAtACorruptBlockKeepsTheSessionsBeforeIt() throws Exception {
        Assumptions.assumeTrue(LibpcapFileReader.isAvailable(), "libpcap not installed");
        Path source = StreamInputsTest.pcapng();
        byte[] bytes = Files.readAllBytes(source);
        List<Integer> ends = DamagedCaptureTest.boundaries(bytes);
        // break the length of block 11 (an EPB; blocks 1 and 2 are the SHB and the IDB, 3..10 eight EPBs)
        int at = ends.get(9);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(6, b.getInt(at), "block 11 is an EPB");
        int epbsBefore = 0;
        for (int i = 0; i < 10; i++) {
            epbsBefore += b.getInt(i == 0 ? 0 : ends.get(i - 1)) == 6 ? 1 : 0;
        }
        assertEquals(8, epbsBefore);
        b.putInt(at + 4, 0x7FFF_0000);
        Path corrupt = Files.write(tmp.resolve("corrupt.pcapng"), bytes);
        Path before = Files.write(tmp.resolve("before.pcapng"), Arrays.copyOf(bytes, at));
        AnalyzeCommandTest.Run expected = run("analyze", "--format", "jsonl", before.toString());
        assertEquals(0, expected.code(), expected.err());
        assertTrue(expected.out().lines().count() > 0, "sessions before the damage");
        AnalyzeCommandTest.Run r = run("analyze", "--format", "jsonl", "--reader", "libpcap", corrupt.toString());
        assertEquals(5, r.code(), r.err());
        assertEquals(expected.out(), r.out());
        // libpcap's own words (sf-pcapng.c, read_block): "pcapng block size N > maximum M"
        assertEquals(1, r.errLines().size(), r.err());
        String prefix = "tcplens: warning: " + corrupt + ": libpcap stopped reading after 8 frames: pcapng block size "
                + 0x7FFF_0000 + " > maximum ";
        assertTrue(r.err().startsWith(prefix), r.err());
    }

    /**
     * A missing or unreadable input among several is an argument mistake: exit 3 before anything is read,
     * for analyze, show and extract. A FIFO nobody writes comes first: opening it would wait for a writer
     * forever, so only a check made before reading the first input can answer at all.
     */
    @Test
    void aMissingInputAmongSeveralIsExit3BeforeAnythingIsRead() throws Exception {
        Path fifo = tmp.resolve("nobody-writes.fifo");
        Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "no mkfifo");
        Path missing = tmp.resolve("rotated.pcap.1");
        Path report = tmp.resolve("report.txt");
        String line = "tcplens: no such file: " + missing + "\n";
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> {
            assertEquals(new AnalyzeCommandTest.Run(3, "", line),
                    run("analyze", "-o", report.toString(), fifo.toString(), A, missing.toString()));
            assertEquals(new AnalyzeCommandTest.Run(3, "", line),
                    run("show", "--session", "0", A, B, missing.toString()));
            assertEquals(new AnalyzeCommandTest.Run(3, "", line),
                    run("extract", "--session", "0", "-w", tmp.resolve("s.pcap").toString(), A, B, missing.toString()));
        }, "the run waited for the FIFO's writer instead of checking its inputs first");
        try (var files = Files.list(tmp)) {
            assertEquals(List.of("nobody-writes.fifo"), files.map(f -> f.getFileName().toString()).toList(),
                    "no report and no .part");
        }
    }
}
