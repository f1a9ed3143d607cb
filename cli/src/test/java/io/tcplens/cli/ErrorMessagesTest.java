package io.tcplens.cli;

import io.tcplens.capture.LibpcapFileReader;
import io.tcplens.capture.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static io.tcplens.cli.AnalyzeCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the one error line says (issue 13): a link type libpcap cannot filter; file names and option
 * values with control characters printed escaped, never raw.
 */
class ErrorMessagesTest {

    @TempDir
    Path tmp;

    /** a capture of one 40-byte frame of {@code linkType} */
    private Path oneFrame(int linkType) throws IOException {
        Path file = tmp.resolve("linktype-" + linkType + ".pcap");
        try (PcapWriter w = new PcapWriter(file, linkType, 65535, false)) {
            w.write(1_700_000_000_000_000_000L, new byte[40], 0, 40, 40);
        }
        return file;
    }

    /**
     * libpcap compiles no BPF at all for some link types, whatever the expression ({@code tcpdump -r
     * FILE tcp} on such a file says the same words): the message says so and names the link type
     * instead of calling the expression invalid.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "147|link type 147 (USER0)|DLT 147 link-layer type filtering not implemented",
        "239|link type 239 (NFLOG)|NFLOG link-layer type filtering not implemented"})
    void aLinkTypeLibpcapCannotFilterIsNamed(int linkType, String named, String libpcap) throws IOException {
        assumeTrue(LibpcapFileReader.isAvailable(), "libpcap is not installed: -f needs it");
        Path file = oneFrame(linkType);
        String[][] commands = {
            {"analyze", "-f", "tcp", file.toString()},
            {"show", "-f", "tcp", "--session", "0", file.toString()},
            {"extract", "-f", "tcp", "--session", "0", "-w", tmp.resolve("x.pcap").toString(), file.toString()}};
        for (String[] args : commands) {
            String command = args[0];
            AnalyzeCommandTest.Run r = run(args);
            assertEquals(ExitCode.INVALID_FILTER, r.code(), command + ": " + r.err());
            assertEquals("tcplens: -f 'tcp' cannot be applied to frames of " + named + ": libpcap has no BPF filtering for"
                    + " that link type (libpcap: " + libpcap + "); read without -f and choose sessions with --host and"
                    + " --port instead\n", r.err(), command);
        }
    }

    /** an expression libpcap rejects on any link type is still called invalid */
    @Test
    void aWrongExpressionIsStillInvalid() throws IOException {
        assumeTrue(LibpcapFileReader.isAvailable(), "libpcap is not installed: -f needs it");
        AnalyzeCommandTest.Run r = run("analyze", "-f", "tcp port 99999", oneFrame(1).toString());
        assertEquals(ExitCode.INVALID_FILTER, r.code(), r.err());
        assertEquals("tcplens: invalid BPF filter 'tcp port 99999': illegal port number 99999 > 65535\n", r.err());
    }

    // ------------------------------------------------------------------ control characters in names

    /** ESC [31m (red), CR, LF and BEL in a file name */
    private static final String NAME = "a\u001b[31mb\rc\nd\u0007e.pcap";
    /** the same as GNU ls -b shows it, with ESC in hex ({@code ls -b} writes it in octal, \033) */
    private static final String SHOWN = "a\\x1b[31mb\\rc\\nd\\ae.pcap";

    /** exactly one line on stderr, with no control character in it, containing {@code part} */
    private static void oneSafeLine(AnalyzeCommandTest.Run r, String part) {
        String err = r.err();
        assertTrue(err.endsWith("\n"), err);
        String line = err.substring(0, err.length() - 1);
        assertTrue(line.chars().noneMatch(c -> c < 0x20 || (c >= 0x7F && c <= 0x9F)), "a raw control character: " + err);
        assertTrue(line.startsWith("tcplens: "), err);
        assertTrue(line.contains(part), err);
    }

    @Test
    void controlCharactersInFileNamesArePrintedEscaped() throws IOException {
        Path dir = tmp.resolve("names");
        Files.createDirectory(dir);
        Path name = dir.resolve(NAME);
        String shown = dir + "/" + SHOWN;

        AnalyzeCommandTest.Run missing = run("analyze", name.toString());
        assertEquals(ExitCode.INPUT_NOT_FOUND, missing.code(), missing.err());
        oneSafeLine(missing, shown);

        Files.writeString(name, "not a capture\n");
        AnalyzeCommandTest.Run bad = run("analyze", name.toString());
        assertEquals(ExitCode.NOT_A_CAPTURE, bad.code(), bad.err());
        oneSafeLine(bad, shown);

        // a capture cut inside its last record: the warning names the file
        Path sample = Path.of(AnalyzeCommandTest.sample("refused.pcap"));
        byte[] bytes = Files.readAllBytes(sample);
        Files.write(name, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        AnalyzeCommandTest.Run cut = run("analyze", "--brief", name.toString());
        assertEquals(ExitCode.INPUT_TRUNCATED, cut.code(), cut.err());
        oneSafeLine(cut, "tcplens: warning: " + shown + ": ");

        // -o into a folder of that name that does not exist; extract -w to a file of that name
        AnalyzeCommandTest.Run noFolder = run("analyze", "-o", dir.resolve(NAME).resolve("report.txt").toString(),
                sample.toString());
        assertEquals(ExitCode.OUTPUT_ERROR, noFolder.code(), noFolder.err());
        oneSafeLine(noFolder, shown);
        Files.copy(sample, dir.resolve("input.pcap"), StandardCopyOption.REPLACE_EXISTING);
        Files.delete(name);
        AnalyzeCommandTest.Run wrote = run("extract", "--session", "0", "-w", name.toString(), dir.resolve("input.pcap")
                .toString());
        assertEquals(0, wrote.code(), wrote.err());
        assertEquals("tcplens: wrote 2 frames of session 0 to " + shown + "\n", wrote.err());
        assertTrue(Files.isRegularFile(name), "the file itself has the name asked for");
    }

    @Test
    void controlCharactersInOptionsArePrintedEscaped() {
        AnalyzeCommandTest.Run unknown = run("analyze", "--\u001b[2J\u009b31m\n", "x.pcap");
        assertEquals(ExitCode.USAGE, unknown.code(), unknown.err());
        assertEquals(List.of("tcplens: Unknown option: '--\\x1b[2J\\u009b31m\\n' (see: tcplens analyze --help)"),
                unknown.errLines());
        AnalyzeCommandTest.Run reader = run("show", "--reader", "x\ry", "--session", "0", "x.pcap");
        assertEquals(ExitCode.USAGE, reader.code(), reader.err());
        assertEquals(List.of("tcplens: unknown --reader 'x\\ry': use builtin or libpcap (see: tcplens show --help)"),
                reader.errLines());
    }

    @Test
    void escapes() {
        assertEquals("plain → text", Printable.escape("plain → text"));
        assertEquals("\\a\\b\\t\\n\\v\\f\\r", Printable.escape("\u0007\b\t\n\u000b\f\r"));
        assertEquals("\\x00\\x1b\\x1f\\x7f", Printable.escape("\u0000\u001b\u001f\u007f"));
        assertEquals("\\u0080\\u009b\\u009f\u00a0", Printable.escape("\u0080\u009b\u009f\u00a0"));
        assertEquals("\uD83D\uDE00 \\ud83d \\ude00", Printable.escape("\uD83D\uDE00 \uD83D \uDE00"), "a pair stays, halves do not");
        assertEquals("x\\ud83d", Printable.escape("x\uD83D"));
    }

    /** the progress bar draws with CR and ESC [K on purpose: it writes past the gate */
    @Test
    void theProgressBarStillControlsTheTerminal() throws InterruptedException {
        java.io.StringWriter raw = new java.io.StringWriter();
        Progress p = new Progress(new StderrWriter(new java.io.PrintWriter(raw)), 1000, () -> 7);
        Thread.sleep(300);   // past its 250 ms redraw interval: the next 1024th frame draws
        for (int i = 0; i < 1024; i++) {
            p.frame(0);
        }
        p.finish();
        String drawn = raw.toString();
        assertTrue(drawn.startsWith("\r[") && drawn.contains("7 sessions\u001b[K"), drawn);
        assertTrue(drawn.endsWith("\r\u001b[K"), drawn);
    }

    /** an --interim period shorter than 0.1 s would spin a core printing lines: a usage error, before any device opens */
    @Test
    void anInterimPeriodBelowATenthOfASecondIsAUsageError() {
        assertEquals(new AnalyzeCommandTest.Run(2, "", "tcplens: --interim must be 0 (off) or at least 0.1 seconds"
                + " (see: tcplens capture --help)\n"), AnalyzeCommandTest.run("capture", "-i", "lo", "--interim", "0.000001"));
    }
}
