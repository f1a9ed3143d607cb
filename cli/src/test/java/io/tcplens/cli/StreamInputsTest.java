package io.tcplens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs people pipe in (issue 13, items 5, 6 and 16): {@code tcpdump -w - | tcplens analyze -},
 * {@code /dev/stdin}, process substitution and named FIFOs give the report of the same bytes in a
 * file; a FIFO nobody writes does not keep SIGTERM from ending the run; one 200 MiB pcapng block
 * does not exhaust a small heap. The child processes read through real pipes.
 */
class StreamInputsTest {

    @TempDir
    Path tmp;

    static final Path PCAP = AnalyzeCommandTest.SAMPLES.resolve("half-close.pcap");

    /** a pcapng of the corpus (several sessions, Ethernet), or a skip when the corpus is absent */
    static Path pcapng() {
        Path p = TsharkFixtures.corpus().resolve("zeek/tcp/http-on-irc-port-missing-syn.pcapng");
        Assumptions.assumeTrue(Files.isRegularFile(p), "corpus capture missing: " + p);
        return p;
    }

    record Child(int code, String out, String err) {
    }

    /** runs {@code command} with {@code stdin} written to its standard input (a pipe), bounded in time */
    static Child child(List<String> command, byte[] stdin) throws Exception {
        Process p = new ProcessBuilder(command).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = drain(p.getInputStream(), out);
        Thread e = drain(p.getErrorStream(), err);
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException closedEarly) {
            // the child stopped reading (it failed): its exit code and stderr say why
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not end: " + command);
        o.join(10_000);
        e.join(10_000);
        return new Child(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Thread drain(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(to);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.start();
        return t;
    }

    static List<String> tcplens(String... args) {
        return SignalsAndPipesTest.command(args);
    }

    @Test
    void standardInputAsDashAndAsDevStdinGivesTheReportOfTheFile() throws Exception {
        for (Path file : List.of(PCAP, pcapng())) {
            AnalyzeCommandTest.Run expected = AnalyzeCommandTest.run("analyze", file.toString());
            assertEquals(0, expected.code(), expected.err());
            byte[] bytes = Files.readAllBytes(file);
            Child dash = child(tcplens("analyze", "-"), bytes);
            assertEquals(new Child(0, expected.out(), ""), dash, "cat " + file + " | tcplens analyze -");
            if (file == PCAP) {
                Child devStdin = child(tcplens("analyze", "-r", "/dev/stdin"), bytes);
                assertEquals(new Child(0, expected.out(), ""), devStdin, "cat " + file + " | tcplens analyze -r /dev/stdin");
            }
        }
    }

    @Test
    void processSubstitutionGivesTheReportOfTheFile() throws Exception {
        Path bash = Path.of("/bin/bash");
        Assumptions.assumeTrue(Files.isExecutable(bash), "no bash for <(...)");
        Path file = pcapng();
        AnalyzeCommandTest.Run expected = AnalyzeCommandTest.run("analyze", "--format", "jsonl", file.toString());
        List<String> java = tcplens("analyze", "--format", "jsonl");
        // bash -c 'exec "$@" <(cat FILE)' java ... analyze --format jsonl: the input is /dev/fd/63, a pipe
        List<String> command = new ArrayList<>(List.of(bash.toString(), "-c", "exec \"$@\" <(cat \"$F\")", "bash"));
        command.addAll(java);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("F", file.toString());
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = drain(p.getInputStream(), out);
        Thread e = drain(p.getErrorStream(), err);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        o.join(10_000);
        e.join(10_000);
        assertEquals(new Child(0, expected.out(), ""), new Child(p.exitValue(), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8)));
    }

    @Test
    void libpcapReadsStandardInputToo() throws Exception {
        Assumptions.assumeTrue(io.tcplens.capture.LibpcapFileReader.isAvailable(), "libpcap not installed");
        AnalyzeCommandTest.Run expected = AnalyzeCommandTest.run("analyze", PCAP.toString());
        Child viaLibpcap = child(tcplens("analyze", "--reader", "libpcap", "-"), Files.readAllBytes(PCAP));
        assertEquals(new Child(0, expected.out(), ""), viaLibpcap);
        Child notACapture = child(tcplens("analyze", "--reader", "libpcap", "-"), "hello\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(new Child(4, "", "tcplens: libpcap cannot read standard input: unknown file format\n"), notACapture);
    }

    static Path mkfifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo " + p);
        return p;
    }

    @Test
    // today the FIFO is opened a second time after its magic was read, and that open never returns: the
    // test then fails after 60 s (on a separate thread, as the blocked open(2) cannot be interrupted)
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoWrittenThenClosedGivesTheReportOfTheFile() throws Exception {
        for (Path file : List.of(PCAP, pcapng())) {
            Path fifo = mkfifo(tmp.resolve("fifo-" + file.getFileName()));
            byte[] bytes = Files.readAllBytes(file);
            Thread writer = new Thread(() -> {
                try (OutputStream out = Files.newOutputStream(fifo)) {   // waits for the reader's open
                    out.write(bytes);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            AnalyzeCommandTest.Run viaFifo = AnalyzeCommandTest.run("analyze", fifo.toString());
            writer.join(10_000);
            assertFalse(writer.isAlive());
            AnalyzeCommandTest.Run viaFile = AnalyzeCommandTest.run("analyze", file.toString());
            assertEquals(viaFile, viaFifo);
            assertEquals(0, viaFifo.code());
        }
    }

    /** the names of the threads of process {@code pid} (Linux: /proc/PID/task/TID/comm) */
    static List<String> threads(long pid) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    names.add(Files.readString(t.resolve("comm")).strip());
                } catch (IOException ended) {
                    // the thread ended meanwhile
                }
            }
        }
        return names;
    }

    @Test
    void sigtermEndsARunWaitingForAFifoNobodyWrites() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/kill")) || Files.isExecutable(Path.of("/usr/bin/kill")),
                "no kill command to send signals");
        Path fifo = mkfifo(tmp.resolve("silent"));
        Process p = new ProcessBuilder(tcplens("analyze", "--brief", fifo.toString())).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = drain(p.getInputStream(), out);
        Thread e = drain(p.getErrorStream(), err);
        try {
            // wait (bounded) until the reading thread waits in open(2) for a writer
            for (int i = 0; i < 600 && p.isAlive() && !threads(p.pid()).contains("tcplens-read"); i++) {
                Thread.sleep(50);
            }
            // SIGTERM (Process.destroy would also close our ends of its stdout and stderr)
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).inheritIO().start().waitFor();
            // the JVM's shutdown waits up to AnalyzeCommand.INTERRUPT_GRACE_SECONDS for the report; a run that
            // never sees the signal (today's) is cut off after it with nothing reported
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tcplens did not end after SIGTERM");
            o.join(10_000);
            e.join(10_000);
            assertEquals(new Child(143, "0 sessions\n0 frames read: 0 TCP, 0 other\n",
                    "tcplens: warning: interrupted while reading " + fifo + ": the sessions read until then are reported\n"),
                    new Child(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)));
        } finally {
            p.destroyForcibly();
            // a writer that opens and closes lets a reader still waiting in open(2) go
            Thread unblock = new Thread(() -> {
                try (OutputStream w = Files.newOutputStream(fifo)) {
                    w.flush();
                } catch (IOException ignored) {
                    // nobody reads any more
                }
            });
            unblock.setDaemon(true);
            unblock.start();
        }
    }

    // ------------------------------------------------------------------ one pcapng block of 200 MiB

    /** the records of a little-endian microsecond pcap: {ts_sec, ts_usec, data} */
    static List<Object[]> records(byte[] pcap) {
        ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xA1B2C3D4, b.getInt(0));
        List<Object[]> out = new ArrayList<>();
        int p = 24;
        while (p + 16 <= pcap.length) {
            int caplen = b.getInt(p + 8);
            byte[] data = new byte[caplen];
            b.get(p + 16, data);
            out.add(new Object[] {b.getInt(p) & 0xFFFF_FFFFL, b.getInt(p + 4) & 0xFFFF_FFFFL, data});
            p += 16 + caplen;
        }
        return out;
    }

    static ByteBuffer epbHeader(long units, int caplen, int origlen) {
        int padded = (caplen + 3) & ~3;
        return ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN).putInt(6).putInt(32 + padded).putInt(0)
                .putInt((int) (units >>> 32)).putInt((int) units).putInt(caplen).putInt(origlen).flip();
    }

    /**
     * {@code pcap}'s frames as a pcapng (SHB, IDB Ethernet with the default microseconds, one EPB each),
     * with an EPB of {@code extra} bytes (zeros, written sparsely) after frame {@code after}.
     */
    static void pcapngWithExtraFrame(byte[] pcap, int after, int extra, Path to) throws IOException {
        List<Object[]> recs = records(pcap);
        try (FileChannel ch = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            ByteBuffer shb = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN).putInt(0x0A0D0D0A).putInt(28)
                    .putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).putInt(28).flip();
            ByteBuffer idb = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(20)
                    .putShort((short) 1).putShort((short) 0).putInt(0).putInt(20).flip();
            ch.write(shb);
            ch.write(idb);
            for (int i = 0; i < recs.size(); i++) {
                long units = (long) recs.get(i)[0] * 1_000_000L + (long) recs.get(i)[1];
                byte[] data = (byte[]) recs.get(i)[2];
                writeEpb(ch, units, data, data.length);
                if (i == after) {
                    ch.write(epbHeader(units, extra, extra));
                    ch.position(ch.position() + ((extra + 3) & ~3));   // sparse: nothing written
                    ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 32 + ((extra + 3) & ~3)));
                }
            }
        }
    }

    static void writeEpb(FileChannel ch, long units, byte[] data, int origlen) throws IOException {
        int padded = (data.length + 3) & ~3;
        ch.write(epbHeader(units, data.length, origlen));
        ch.write(ByteBuffer.wrap(java.util.Arrays.copyOf(data, padded)));
        ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 32 + padded));
    }

    @Test
    void onePcapngBlockOf200MiBDoesNotExhaustA64MiBHeap() throws Exception {
        byte[] pcap = Files.readAllBytes(PCAP);
        int big = 200 << 20;
        Path withBig = tmp.resolve("big.pcapng");
        pcapngWithExtraFrame(pcap, 6, big, withBig);
        // the same capture with a 60-byte frame of zeros in its place: an Ethernet frame of type 0, "other",
        // as the first 262144 bytes of the big one are
        Path withSmall = tmp.resolve("small.pcapng");
        pcapngWithExtraFrame(pcap, 6, 60, withSmall);
        AnalyzeCommandTest.Run expected = AnalyzeCommandTest.run("analyze", withSmall.toString());
        assertEquals(0, expected.code(), expected.err());
        assertTrue(expected.out().endsWith("15 frames read: 14 TCP, 1 other\n"), expected.out());
        // where the big block starts: SHB 28 + IDB 20 + the first 7 EPBs
        long at = 48;
        for (Object[] r : records(pcap).subList(0, 7)) {
            at += 32 + ((((byte[]) r[2]).length + 3) & ~3);
        }
        List<String> command = new ArrayList<>(tcplens("analyze", withBig.toString()));
        command.set(1, "-Xmx64m");   // in place of the -Xmx256m of SignalsAndPipesTest.command
        Child c = child(command, new byte[0]);
        assertEquals(new Child(0, expected.out(), "tcplens: note: " + withBig + ": block 10 at byte " + at
                + " holds a frame of " + big + " bytes, more than any link carries: only its first 262144 bytes were"
                + " read and analysed, the rest skipped\n"), c);
    }

    /**
     * {@code pcap} with snaplen 0xffffffff (which lets the built-in reader take records of up to 256 MB) and a
     * record of {@code extra} bytes (zeros, written sparsely) after frame {@code after}.
     */
    static void pcapWithExtraFrame(byte[] pcap, int after, int extra, Path to) throws IOException {
        List<Object[]> recs = records(pcap);
        try (FileChannel ch = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SPARSE)) {
            ch.write(ByteBuffer.wrap(java.util.Arrays.copyOf(pcap, 24)).order(ByteOrder.LITTLE_ENDIAN).putInt(16, -1));
            for (int i = 0; i < recs.size(); i++) {
                byte[] data = (byte[]) recs.get(i)[2];
                ch.write(recordHeader(recs.get(i), data.length));
                ch.write(ByteBuffer.wrap(data));
                if (i == after) {
                    ch.write(recordHeader(recs.get(i), extra));
                    ch.position(ch.position() + extra);   // sparse: nothing written
                }
            }
        }
    }

    /** a pcap record header with the time of {@code r} (from {@link #records}) and {@code caplen} = origlen */
    static ByteBuffer recordHeader(Object[] r, int caplen) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt((int) (long) r[0]).putInt((int) (long) r[1])
                .putInt(caplen).putInt(caplen).flip();
    }

    @Test
    void onePcapRecordOf200MiBDoesNotExhaustA64MiBHeap() throws Exception {
        byte[] pcap = Files.readAllBytes(PCAP);
        int big = 200 << 20;
        Path withBig = tmp.resolve("big.pcap");
        pcapWithExtraFrame(pcap, 6, big, withBig);
        Path withSmall = tmp.resolve("small.pcap");
        pcapWithExtraFrame(pcap, 6, 60, withSmall);
        AnalyzeCommandTest.Run expected = AnalyzeCommandTest.run("analyze", withSmall.toString());
        assertEquals(0, expected.code(), expected.err());
        assertTrue(expected.out().endsWith("15 frames read: 14 TCP, 1 other\n"), expected.out());
        long at = 24;   // where the big record starts: the file header and the first 7 records
        for (Object[] r : records(pcap).subList(0, 7)) {
            at += 16 + ((byte[]) r[2]).length;
        }
        List<String> command = new ArrayList<>(tcplens("analyze", withBig.toString()));
        command.set(1, "-Xmx64m");
        // before: the record was held whole (heap and direct buffer), exit 12 and no report
        Child c = child(command, new byte[0]);
        assertEquals(new Child(0, expected.out(), "tcplens: note: " + withBig + ": record 8 at byte " + at
                + " holds a frame of " + big + " bytes, more than any link carries: only its first 262144 bytes were"
                + " read and analysed, the rest skipped\n"), c);
    }
}
