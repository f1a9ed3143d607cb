package io.tcplens.cli;

import io.tcplens.capture.LibpcapFileReader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tcplens.cli.AnalyzeCommandTest.run;
import static io.tcplens.cli.AnalyzeCommandTest.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code show}, {@code extract} and the filters, in-process. */
class DrillInTest {

    @TempDir
    Path tmp;

    @Test
    void showPrintsOneArrowPerPacketPlainWhenPiped() {
        AnalyzeCommandTest.Run r = run("show", sample("half-close.pcap"), "--session", "0");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("\u001b["), "no ANSI codes when not on a terminal");
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("#0  127.0.0.1:33616 → 127.0.0.1:9005"));
        assertEquals(14, lines.stream().filter(l -> l.contains("▶") || l.contains("◀")).count());
        assertTrue(r.out().contains("diagnosis: ok"));
        String first = lines.stream().filter(l -> l.contains("▶")).findFirst().orElseThrow();
        assertTrue(first.contains("SYN_SENT") && first.contains("──S seq=0 len=0") && first.contains("handshake"), first);
        assertTrue(r.out().contains("TIME_WAIT"));
    }

    /**
     * show's ladder stays within its memory budget (an eighth of the heap by default): a session whose packets
     * do not fit shows the ones kept, says how many are not shown, and one note points to analyze --session.
     * With a budget of 0 bytes no packet array can be made: none of half-close's 14 packets is kept.
     */
    @Test
    void showsLadderStaysWithinItsMemoryBudget() {
        long saved = ShowCommand.ladderBudget;
        ShowCommand.ladderBudget = 0;
        try {
            AnalyzeCommandTest.Run r = run("show", sample("half-close.pcap"), "--session", "0");
            assertEquals(0, r.code(), r.err());
            assertEquals(0, r.out().lines().filter(l -> l.contains("▶") || l.contains("◀")).count());
            assertTrue(r.out().endsWith("  ... 14 more packets not shown\n"), r.out());
            assertEquals("tcplens: note: the ladder of session 0 shows its first 0 of 14 packets: its memory budget (an"
                    + " eighth of the Java heap) holds no more; analyze --session 0 lists every packet, and more memory"
                    + " shows more (JAVA_OPTS=-Xmx4g ./tcplens ...)\n", r.err());
        } finally {
            ShowCommand.ladderBudget = saved;
        }
    }

    @Test
    void showColorsWhenAsked() {
        AnalyzeCommandTest.Run r = run("show", sample("reset.pcap"), "--session", "0", "--color", "always");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\u001b[31m"), "RST in red");
    }

    @Test
    void showJsonLinesIsOneObjectPerPacket() {
        AnalyzeCommandTest.Run r = run("show", sample("mixed.pcap"), "--session", "3", "--format", "jsonl");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(14, lines.size());
        assertTrue(lines.get(0).startsWith("{\"session\":3,\"no\":1,"), lines.get(0));
        assertTrue(lines.get(0).contains("\"dir\":\"c2s\",\"flags\":\"S\",\"seq\":0,\"ack\":null,\"len\":0"));
        assertTrue(lines.get(13).contains("\"client_state\":\"TIME_WAIT\",\"server_state\":\"CLOSED\""), lines.get(13));
    }

    @Test
    void showUnknownSessionIsAUsageError() {
        AnalyzeCommandTest.Run r = run("show", sample("refused.pcap"), "--session", "5");
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().startsWith("tcplens: no session 5: the input has 1 session"), r.err());
    }

    static String tshark(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "tshark";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void extractWritesExactlyTheSessionsFrames() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark is not installed");
        for (int id : new int[] {0, 2, 3, 5}) {
            Path out = tmp.resolve("s" + id + ".pcap");
            AnalyzeCommandTest.Run r = run("extract", sample("mixed.pcap"), "--session", Integer.toString(id),
                    "-w", out.toString());
            assertEquals(0, r.code(), r.err());
            String fields = "-T fields -e frame.time_epoch -e frame.len -e frame.cap_len -e frame.protocols -e tcp.srcport -e tcp.seq_raw";
            String want = tshark(("-r " + sample("mixed.pcap") + " -Y tcp.stream==" + id + " " + fields).split(" "));
            String got = tshark(("-r " + out + " " + fields).split(" "));
            assertFalse(want.isBlank());
            assertEquals(want, got, "session " + id);
            assertEquals(tshark("-r", sample("mixed.pcap"), "-c", "1", "-T", "fields", "-e", "frame.encap_type"),
                    tshark("-r", out.toString(), "-c", "1", "-T", "fields", "-e", "frame.encap_type"), "same link type");
        }
        try (var dir = Files.list(tmp)) {
            assertEquals(4, dir.count(), "no temporary files left");
        }
    }

    @Test
    void sessionFilters() {
        String[] files = {sample("client-close.pcap"), sample("refused.pcap"), sample("reset.pcap"),
            sample("no-answer.pcap"), sample("ipv6-client-close.pcap")};
        assertEquals(List.of("refused"), outcomes(run(with(files, "--outcome", "refused"))));
        assertEquals(List.of("refused", "reset"), outcomes(run(with(files, "--outcome", "refused,reset"))));
        assertEquals(List.of("closed", "closed"), outcomes(run(with(files, "--outcome", "complete"))));
        assertEquals(List.of("refused"), outcomes(run(with(files, "--port", "9003"))));
        assertEquals(List.of("closed"), outcomes(run(with(files, "--host", "::1"))));
        assertEquals(List.of("closed", "refused", "reset", "no_answer"), outcomes(run(with(files, "--host", "127.0.0.0/8"))));
        assertEquals(List.of("reset", "no_answer"), outcomes(run(with(files, "--min-duration", "0.1"))));
        assertEquals(List.of("no_answer"), outcomes(run(with(files, "--diagnosis", "no_answer"))));
        assertEquals(ExitCode.USAGE, run(with(files, "--outcome", "bogus")).code());
        assertEquals(ExitCode.USAGE, run(with(files, "--host", "example.com")).code());
    }

    @Test
    void bpfFilter() {
        Assumptions.assumeTrue(LibpcapFileReader.isAvailable(), "libpcap is not installed: BPF test skipped");
        String[] files = {sample("client-close.pcap"), sample("refused.pcap"), sample("reset.pcap"),
            sample("no-answer.pcap"), sample("ipv6-client-close.pcap")};
        AnalyzeCommandTest.Run r = run(with(files, "-f", "tcp port 9003 or tcp port 9004"));
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("refused", "reset"), outcomes(r));
        assertEquals(List.of("closed"), outcomes(run(with(files, "-f", "ip6"))));
        AnalyzeCommandTest.Run bad = run(with(files, "-f", "tcp port"));
        assertEquals(ExitCode.INVALID_FILTER, bad.code());
        assertTrue(bad.err().startsWith("tcplens: invalid BPF filter 'tcp port': "), bad.err());
        AnalyzeCommandTest.Run show = run("show", sample("reset.pcap"), "--session", "0", "-f", "tcp[tcpflags] & tcp-rst != 0");
        assertEquals(0, show.code(), show.err());
    }

    private static String[] with(String[] files, String... opts) {
        String[] a = new String[files.length + opts.length + 3];
        a[0] = "analyze";
        a[1] = "--format";
        a[2] = "jsonl";
        System.arraycopy(opts, 0, a, 3, opts.length);
        System.arraycopy(files, 0, a, 3 + opts.length, files.length);
        return a;
    }

    private static List<String> outcomes(AnalyzeCommandTest.Run r) {
        assertEquals(0, r.code(), r.err());
        return r.out().lines().map(l -> l.replaceAll(".*\"outcome\":\"([a-z_]+)\".*", "$1")).toList();
    }
}
