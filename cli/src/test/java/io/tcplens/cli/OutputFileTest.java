package io.tcplens.cli;

import static io.tcplens.cli.AnalyzeCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where an output path goes (issue 13, "files must never be destroyed"): {@code -} is standard output, a device,
 * FIFO or open file behind /proc is written in place, a symbolic link's target is replaced and the link stays, an
 * output that is an input is refused, every new output is 0644 under the umask. Never the real /dev/null or
 * /dev/stdout: devices are made with mknod in a temporary folder, standard output is reached through /dev/fd/1 and
 * /proc/self/fd/1 (and a link to it made here) in a child JVM.
 */
class OutputFileTest {

    @TempDir
    Path tmp;

    /** the child JVM's run: exit code, standard output as bytes, standard error */
    record Child(int code, byte[] out, String err) {
        String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    /** tcplens in a child JVM in folder {@code dir}, killed if it has not ended within 60 s */
    static Child child(Path dir, String... args) throws Exception {
        return child(dir, SignalsAndPipesTest.command(args));
    }

    static Child child(Path dir, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
        try {
            p.getOutputStream().close();
            byte[][] out = {null};
            Thread drain = new Thread(() -> {
                try {
                    out[0] = p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = new byte[0];
                }
            });
            drain.start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tcplens did not end: " + command);
            drain.join(10_000);
            return new Child(p.exitValue(), out[0], err);
        } finally {
            p.destroyForcibly();
        }
    }

    /** a sample capture by its absolute path (child JVMs run in the temporary folder) */
    static String abs(String name) {
        return Path.of(AnalyzeCommandTest.sample(name)).toAbsolutePath().toString();
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }

    static BasicFileAttributes attrs(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    static List<Path> partFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".part")).toList();
        }
    }

    // ------------------------------------------------------------------ devices and FIFOs: in place

    @Test
    void aCharacterDeviceIsWrittenInPlaceAndAFullOneIsExit11() throws Exception {
        Assumptions.assumeTrue(isRoot(), "mknod needs root");
        // the devices /dev/full (1, 7) and /dev/null (1, 3) are (Documentation/admin-guide/devices.txt), made here
        Path full = tmp.resolve("full");
        Path nul = tmp.resolve("null");
        sh("mknod", full.toString(), "c", "1", "7");
        sh("mknod", nul.toString(), "c", "1", "3");

        AnalyzeCommandTest.Run r = run("analyze", "-o", full.toString(), abs("mixed.pcap"));
        assertEquals(ExitCode.OUTPUT_ERROR, r.code(), r.err());
        assertEquals("tcplens: cannot write the report: " + full + ": No space left on device\n", r.err());
        assertTrue(attrs(full).isOther(), "still the device");

        r = run("extract", abs("mixed.pcap"), "--session", "0", "-w", full.toString());
        assertEquals(ExitCode.OUTPUT_ERROR, r.code(), r.err());
        assertEquals("tcplens: cannot write " + full + ": No space left on device\n", r.err());
        assertTrue(attrs(full).isOther(), "still the device");

        r = run("analyze", "--brief", "-o", nul.toString(), abs("mixed.pcap"));
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertTrue(attrs(nul).isOther(), "still the device");
        assertEquals(List.of(), partFiles(tmp));
    }

    /**
     * Standard output that fails is not a reader that went away: {@code analyze x.pcap > /dev/full} (a full disk) and
     * {@code >&-} lost the report and exited 0 without a word, as {@code | head} does, while {@code -o /dev/full} is
     * exit 11. Now exit 11 with the system's reason, for analyze in every way it writes and for show. A {@code /dev/full}
     * node made here; standard output closed by sh.
     */
    @Test
    void standardOutputThatFailsIsExit11NotAQuietEnd() throws Exception {
        Assumptions.assumeTrue(isRoot(), "mknod needs root");
        Path full = tmp.resolve("full");
        sh("mknod", full.toString(), "c", "1", "7");
        for (List<String> args : List.of(List.of("analyze", abs("mixed.pcap")), List.of("analyze", "--format", "html",
                abs("mixed.pcap")), List.of("analyze", "--session", "3", abs("mixed.pcap")),
                List.of("show", "--session", "3", abs("mixed.pcap")))) {
            for (String how : List.of("exec \"$@\" > " + full, "exec \"$@\" >&-")) {
                List<String> cmd = new ArrayList<>(List.of("sh", "-c", how, "sh"));
                cmd.addAll(SignalsAndPipesTest.command(args.toArray(String[]::new)));
                Child c = child(tmp, cmd);
                assertEquals(ExitCode.OUTPUT_ERROR, c.code(), how + " " + args + ": " + c.err());
                assertEquals("tcplens: cannot write the report to standard output: " + (how.endsWith("-")
                        ? "Bad file descriptor" : "No space left on device") + " (the report is incomplete)\n", c.err(),
                        how + " " + args);
            }
        }
        assertTrue(attrs(full).isOther(), "still the device");
    }

    @Test
    void aFifoIsWrittenInPlaceForItsReader() throws Exception {
        Path fifo = tmp.resolve("report.fifo");
        sh("mkfifo", fifo.toString());
        String report = run("analyze", "--brief", abs("mixed.pcap")).out();
        assertEquals(report, new String(throughFifo(fifo, "analyze", "--brief", "-o", fifo.toString(), abs("mixed.pcap")),
                StandardCharsets.UTF_8));
        assertTrue(attrs(fifo).isOther(), "still a FIFO");

        Path file = tmp.resolve("s3.pcap");
        assertEquals(0, run("extract", abs("mixed.pcap"), "--session", "3", "-w", file.toString()).code());
        assertArrayEquals(Files.readAllBytes(file),
                throughFifo(fifo, "extract", abs("mixed.pcap"), "--session", "3", "-w", fifo.toString()));
        assertTrue(attrs(fifo).isOther(), "still a FIFO");
        assertEquals(List.of(), partFiles(tmp));
    }

    /** what a reader of {@code fifo} (cat, at most 30 s) gets while tcplens (a child JVM) runs {@code args} */
    private byte[] throughFifo(Path fifo, String... args) throws Exception {
        Process reader = new ProcessBuilder("timeout", "30", "cat", fifo.toString()).start();
        try {
            Child c = child(tmp, args);
            assertEquals(0, c.code(), c.err());
            byte[] got = reader.getInputStream().readAllBytes();
            assertTrue(reader.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, reader.exitValue(), "the reader got an end of file");
            return got;
        } finally {
            reader.destroyForcibly();
        }
    }

    @Test
    void standardOutputBehindProcIsWrittenInPlace() throws Exception {
        String report = run("analyze", "--brief", abs("mixed.pcap")).out();
        // a link to /proc/self/fd/1 is what /dev/stdout is
        Path stdoutLink = tmp.resolve("stdout");
        Files.createSymbolicLink(stdoutLink, Path.of("/proc/self/fd/1"));
        for (String o : List.of("/dev/fd/1", "/proc/self/fd/1", stdoutLink.toString())) {
            Child c = child(tmp, "analyze", "--brief", "-o", o, abs("mixed.pcap"));
            assertEquals(0, c.code(), o + ": " + c.err());
            assertEquals(report, c.outText(), o);
        }
        assertTrue(Files.isSymbolicLink(stdoutLink));
        assertEquals(Path.of("/proc/self/fd/1"), Files.readSymbolicLink(stdoutLink));
        // standard output redirected to a file: the report is appended to it, as the shell's >> would have it
        Path file = tmp.resolve("out.txt");
        Files.writeString(file, "kept\n");
        Process p = new ProcessBuilder(SignalsAndPipesTest.command("analyze", "--brief", "-o", "/dev/fd/1",
                abs("mixed.pcap"))).redirectOutput(ProcessBuilder.Redirect.appendTo(file.toFile()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
        assertEquals("kept\n" + report, Files.readString(file));
        assertEquals(List.of(file, stdoutLink), listed(tmp));
    }

    /**
     * tcplens in a child JVM in {@code tmp} with standard input from {@code stdin} and standard output appended to
     * {@code stdout} (either null: a pipe, closed / read here); killed if it has not ended within 60 s
     */
    private Child redirected(Path stdin, Path stdout, String... args) throws Exception {
        ProcessBuilder b = new ProcessBuilder(SignalsAndPipesTest.command(args)).directory(tmp.toFile());
        if (stdin != null) {
            b.redirectInput(stdin.toFile());
        }
        if (stdout != null) {
            b.redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()));
        }
        Process p = b.start();
        try {
            if (stdin == null) {
                p.getOutputStream().close();
            }
            byte[] out = stdout == null ? p.getInputStream().readAllBytes() : new byte[0];
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tcplens did not end: " + List.of(args));
            return new Child(p.exitValue(), out, err);
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * Opening /proc/PID/fd/N opens the file anew with the access asked for, whatever the descriptor allows: a
     * descriptor open only for reading (here standard input, as the JVM's own tcplens.jar at descriptor 4 and
     * lib/modules at 3 are, and what descriptor 1 is after {@code >&-}) was written through, and
     * {@code -o /dev/fd/4} appended the report to tcplens.jar. Refused, exit 11, the file untouched; so is a
     * descriptor that is not open, and a /proc link that is no descriptor.
     */
    @Test
    void aDescriptorOpenOnlyForReadingIsNeverWrittenThrough() throws Exception {
        Path victim = tmp.resolve("victim.bin");
        byte[] bytes = "a file some program holds open for reading\n".getBytes(StandardCharsets.UTF_8);
        Files.write(victim, bytes);
        for (String o : List.of("/dev/fd/0", "/proc/self/fd/0", "/dev/stdin")) {
            Child c = redirected(victim, null, "analyze", "--brief", "-o", o, abs("mixed.pcap"));
            assertEquals(ExitCode.OUTPUT_ERROR, c.code(), o + ": " + c.err());
            assertEquals("tcplens: cannot write " + o + ": file descriptor 0 is open only for reading: give one open"
                    + " for writing, e.g. 0>FILE\n", c.err());
            assertArrayEquals(bytes, Files.readAllBytes(victim), o);
        }
        Child c = redirected(victim, null, "extract", abs("mixed.pcap"), "--session", "3", "-w", "/dev/fd/0");
        assertEquals(ExitCode.OUTPUT_ERROR, c.code(), c.err());
        assertArrayEquals(bytes, Files.readAllBytes(victim));

        c = child(tmp, "analyze", "--brief", "-o", "/dev/fd/97", abs("mixed.pcap"));
        assertEquals(ExitCode.OUTPUT_ERROR, c.code(), c.err());
        assertEquals("tcplens: cannot write /dev/fd/97: file descriptor 97 is not open (give one, e.g. 97>FILE)\n", c.err());
        c = child(tmp, "analyze", "--brief", "-o", "/proc/self/exe", abs("mixed.pcap"));
        assertEquals(ExitCode.OUTPUT_ERROR, c.code(), c.err());
        assertEquals("tcplens: cannot write /proc/self/exe: /proc/self/exe is not a file descriptor (only"
                + " /proc/PID/fd/N is written in place)\n", c.err());
        assertEquals(List.of(victim), listed(tmp));
    }

    /**
     * Standard input or output that is an input file: {@code analyze - -o x.pcap < x.pcap} replaced the capture
     * with the report, {@code analyze x.pcap >> x.pcap} (and show, and extract -w -) appended to it. Refused, exit
     * 2, as GNU cat refuses "input file is output file"; another file behind standard output is written as before.
     */
    @Test
    void standardInputOrOutputThatIsAnInputIsRefused() throws Exception {
        Path input = tmp.resolve("in.pcap");
        byte[] bytes = Files.readAllBytes(Path.of(abs("mixed.pcap")));
        Files.write(input, bytes);
        Child c = redirected(input, null, "analyze", "-", "-o", input.toString());
        assertEquals(ExitCode.USAGE, c.code(), c.err());
        assertEquals("tcplens: -o " + input + " is also an input file (standard input): tcplens never overwrites a"
                + " capture; choose another output name\n", c.err());
        for (List<String> args : List.of(List.of("analyze", input.toString()),
                List.of("analyze", "--format", "jsonl", "-o", "-", input.toString()),
                List.of("show", "--session", "0", input.toString()),
                List.of("extract", "--session", "0", "-w", "-", input.toString()))) {
            c = redirected(null, input, args.toArray(String[]::new));
            assertEquals(ExitCode.USAGE, c.code(), args + ": " + c.err());
            assertEquals("tcplens: standard output is also an input file (" + input + "): tcplens never overwrites a"
                    + " capture; choose another output name\n", c.err(), args.toString());
            assertArrayEquals(bytes, Files.readAllBytes(input), args.toString());
        }
        // standard input is the input, standard output another file: written
        Path report = tmp.resolve("report.txt");
        c = redirected(input, report, "analyze", "--brief", "-");
        assertEquals(0, c.code(), c.err());
        assertEquals(run("analyze", "--brief", input.toString()).out(), Files.readString(report));
        assertArrayEquals(bytes, Files.readAllBytes(input));
    }

    /**
     * {@code capture -w /dev/stdout} (tcpdump's habit) while the report goes to standard output too put the report's
     * text among the packets: refused before any device is opened, as {@code -w -} is, also as /dev/fd/1 and with
     * {@code -o -}. Standard output here is a pipe.
     */
    @Test
    void capturePacketsToStandardOutputNeedTheReportElsewhere() throws Exception {
        for (List<String> w : List.of(List.of("-w", "/dev/stdout"), List.of("-w", "/dev/fd/1", "-o", "-"),
                List.of("-w", "-", "-o", "/proc/self/fd/1"))) {
            List<String> args = new ArrayList<>(List.of("capture", "-i", "lo", "-c", "1", "--duration", "1"));
            args.addAll(w);
            Child c = child(tmp, args.toArray(String[]::new));
            assertEquals(ExitCode.USAGE, c.code(), w + ": " + c.err());
            assertEquals("tcplens: -w " + w.get(1) + " writes the packets to standard output, where the report goes:"
                    + " give the report a file too (-o FILE) (see: tcplens capture --help)\n", c.err(), w.toString());
            assertEquals(0, c.out().length, w.toString());
        }
    }

    // ------------------------------------------------------------------ - is standard output

    @Test
    void dashIsStandardOutput() throws Exception {
        String report = run("analyze", "--brief", abs("mixed.pcap")).out();
        Child c = child(tmp, "analyze", "--brief", "-o", "-", abs("mixed.pcap"));
        assertEquals(0, c.code(), c.err());
        assertEquals(report, c.outText());

        Path file = tmp.resolve("s3.pcap");
        assertEquals(0, run("extract", abs("mixed.pcap"), "--session", "3", "-w", file.toString()).code());
        c = child(tmp, "extract", abs("mixed.pcap"), "--session", "3", "-w", "-");
        assertEquals(0, c.code(), c.err());
        assertArrayEquals(Files.readAllBytes(file), c.out());
        assertEquals("tcplens: wrote 14 frames of session 3 to standard output\n", c.err());
        assertFalse(Files.exists(tmp.resolve("-")), "no file named -");
        assertEquals(List.of(file), listed(tmp));
    }

    // ------------------------------------------------------------------ links: the target is replaced

    @Test
    void aSymbolicLinkStaysALinkAndItsTargetIsReplaced() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path target = real.resolve("report.txt");
        Files.writeString(target, "old\n");
        Path link = tmp.resolve("link.txt");
        Files.createSymbolicLink(link, Path.of("real", "report.txt"));   // relative, from the link's folder
        Path chain = tmp.resolve("chain.txt");
        Files.createSymbolicLink(chain, Path.of("link.txt"));
        String report = run("analyze", "--brief", abs("mixed.pcap")).out();

        AnalyzeCommandTest.Run r = run("analyze", "--brief", "-o", chain.toString(), abs("mixed.pcap"));
        assertEquals(0, r.code(), r.err());
        assertEquals(Path.of("link.txt"), Files.readSymbolicLink(chain));
        assertEquals(Path.of("real", "report.txt"), Files.readSymbolicLink(link));
        assertEquals(report, Files.readString(target));
        assertTrue(attrs(target).isRegularFile());

        // a dangling link names the file to create
        Path dangling = tmp.resolve("new.pcap");
        Files.createSymbolicLink(dangling, real.resolve("created.pcap"));
        r = run("extract", abs("mixed.pcap"), "--session", "3", "-w", dangling.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isSymbolicLink(dangling));
        Path direct = tmp.resolve("direct.pcap");
        assertEquals(0, run("extract", abs("mixed.pcap"), "--session", "3", "-w", direct.toString()).code());
        assertArrayEquals(Files.readAllBytes(direct), Files.readAllBytes(real.resolve("created.pcap")));

        assertEquals(List.of(), partFiles(tmp));
        assertEquals(List.of(), partFiles(real));
        assertEquals(List.of(real.resolve("created.pcap"), target), listed(real));
    }

    @Test
    void aLoopOfLinksIsExit11AndTouchesNothing() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Files.createSymbolicLink(a, b.getFileName());
        Files.createSymbolicLink(b, a.getFileName());
        AnalyzeCommandTest.Run r = run("analyze", "-o", a.toString(), abs("mixed.pcap"));
        assertEquals(ExitCode.OUTPUT_ERROR, r.code(), r.err());
        assertEquals("tcplens: cannot write " + a + ": more than 40 symbolic links (a loop?)\n", r.err());
        assertEquals(b.getFileName(), Files.readSymbolicLink(a));
        assertEquals(a.getFileName(), Files.readSymbolicLink(b));
        assertEquals(List.of(a, b), listed(tmp));
    }

    // ------------------------------------------------------------------ an output that is an input

    @Test
    void extractOntoItsInputIsRefusedAlsoThroughLinks() throws Exception {
        Path input = tmp.resolve("in.pcap");
        byte[] bytes = Files.readAllBytes(Path.of(abs("mixed.pcap")));
        Files.write(input, bytes);
        Path sym = tmp.resolve("sym.pcap");
        Files.createSymbolicLink(sym, input.getFileName());
        Path hard = tmp.resolve("hard.pcap");
        Files.createLink(hard, input);
        for (Path w : List.of(input, sym, hard, tmp.resolve(".").resolve("in.pcap"))) {
            AnalyzeCommandTest.Run r = run("extract", input.toString(), "--session", "0", "-w", w.toString());
            assertEquals(ExitCode.USAGE, r.code(), r.err());
            assertEquals(1, r.errLines().size(), r.err());
            assertTrue(r.err().startsWith("tcplens: -w " + w + " is also an input file"), r.err());
            assertTrue(r.err().contains("tcplens never overwrites a capture"), r.err());
        }
        AnalyzeCommandTest.Run r = run("analyze", "-o", hard.toString(), input.toString());
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertArrayEquals(bytes, Files.readAllBytes(input));
        assertTrue(Files.isSameFile(input, hard), "the hard link still names the input");
        assertTrue(Files.isSymbolicLink(sym));
        assertEquals(List.of(hard, input, sym), listed(tmp));
    }

    // ------------------------------------------------------------------ modes

    @Test
    void everyNewOutputIs0644UnderTheUmask() throws Exception {
        for (String[] umask : new String[][] {{"022", "rw-r--r--"}, {"027", "rw-r-----"}}) {
            Path dir = Files.createDirectories(tmp.resolve("umask" + umask[0]));
            Path pcap = dir.resolve("s.pcap");
            Path report = dir.resolve("r.txt");
            for (List<String> args : List.of(List.of("extract", abs("mixed.pcap"), "--session", "0", "-w", pcap.toString()),
                    List.of("analyze", "--brief", "-o", report.toString(), abs("mixed.pcap")))) {
                List<String> cmd = new ArrayList<>(List.of("sh", "-c", "umask " + umask[0] + " && exec \"$@\"", "sh"));
                cmd.addAll(SignalsAndPipesTest.command(args.toArray(String[]::new)));
                Child c = child(dir, cmd);
                assertEquals(0, c.code(), c.err());
            }
            assertEquals(umask[1], PosixFilePermissions.toString(Files.getPosixFilePermissions(pcap)), "umask " + umask[0]);
            assertEquals(umask[1], PosixFilePermissions.toString(Files.getPosixFilePermissions(report)), "umask " + umask[0]);
        }
    }

    private static List<Path> listed(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /**
     * capture's report and packets renamed into one place would replace each other: refused before the
     * capture starts (no device is opened), also through a link and another spelling.
     */
    @Test
    void captureRefusesAReportAndAPacketFileOfTheSameName() throws IOException {
        Path pcap = tmp.resolve("live.pcap");
        Path link = Files.createSymbolicLink(tmp.resolve("link.pcap"), pcap);
        for (String[] pair : new String[][] {{pcap.toString(), pcap.toString()},
                {pcap.toString(), tmp.resolve(".").resolve("live.pcap").toString()}, {link.toString(), pcap.toString()}}) {
            AnalyzeCommandTest.Run r = run("capture", "-i", "lo", "-c", "1", "--duration", "1", "-o", pair[0], "-w", pair[1]);
            assertEquals(new AnalyzeCommandTest.Run(ExitCode.USAGE, "", "tcplens: -o " + pair[0] + " and -w " + pair[1]
                    + " name the same file: give each output its own name\n"), r);
        }
        assertFalse(Files.exists(pcap));
    }

    /**
     * A second signal halts the JVM, where deleteOnExit does not run: the report's spill files (texts
     * waiting for an older session) are removed with the .part files.
     */
    @Test
    void theCleanupBeforeAHaltRemovesTheReportsSpillFilesToo() throws IOException {
        Path part;
        Path spill;
        List<Path> before = spillFiles();
        try (OutputFile out = OutputFile.open("-o", tmp.resolve("report.txt"), List.of());
             io.tcplens.cli.render.IdOrderedOutput ordered = new io.tcplens.cli.render.IdOrderedOutput(out.stream(), 0)) {
            ordered.offer(1, "session 1 waits for session 0\n");   // beyond a budget of 0: spilled
            List<Path> made = new ArrayList<>(spillFiles());
            made.removeAll(before);
            assertEquals(1, made.size(), made.toString());
            spill = made.get(0);
            part = onlyPartFile();
            assertTrue(Files.exists(spill) && Files.exists(part));
            OutputFile.deleteTemporaryFiles();
            assertFalse(Files.exists(part), "the .part file is removed");
            assertFalse(Files.exists(spill), "the spill file is removed: " + spill);
        }
    }

    /** the reorder spill files in java.io.tmpdir */
    private static List<Path> spillFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("tcplens-reorder-")).toList();
        }
    }

    private Path onlyPartFile() throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            List<Path> parts = files.filter(f -> f.getFileName().toString().endsWith(".part")).toList();
            assertEquals(1, parts.size(), parts.toString());
            return parts.get(0);
        }
    }
}
