package io.tcplens.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Standard input, FIFOs and pipes (issue 13, items 5 and 6): the magic is read from the stream that
 * is analysed, so a stream gives the frames of the same bytes in a file, and a FIFO nobody writes is
 * given up when the run stops.
 */
class StreamInputTest {

    @TempDir
    Path tmp;

    static Path sample(String name) {
        return Path.of(System.getProperty("tcplens.samples", "../sample-pcaps"), name);
    }

    /** a small pcap and pcapng: the bundled pcap and one written here, two sections, EPBs on two interfaces */
    static byte[] capture(String kind) throws Exception {
        if (kind.equals("pcap")) {
            return Files.readAllBytes(sample("mixed.pcap"));
        }
        return CaptureBytes.pcapng(java.nio.ByteOrder.LITTLE_ENDIAN).idb(1, 0, 9, 0).idb(101, 0, -1, 0)
                .epb(0, 1_700_000_000_123_456_789L, CaptureBytes.payload(60, 1), 60)
                .epb(1, 1_700_000_000_123_456L, CaptureBytes.payload(40, 7), 1500)
                .shb(java.nio.ByteOrder.BIG_ENDIAN).idb(1, 65535, -1, 0)
                .epb(0, 1_700_000_001_000_000L, CaptureBytes.payload(90, 3), 90).bytes();
    }

    record Read(ReadResult result, List<Frame> frames) {
    }

    static Read read(Path p) throws Exception {
        try (PacketSource src = CaptureFiles.open(p)) {
            Frame.Collector c = new Frame.Collector();
            return new Read(src.readAll(c), c.frames);
        }
    }

    static void mkfifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo " + p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pcap", "pcapng"})
    // today's reader opens the FIFO a second time after sniffing and waits forever: the test then fails
    // after 30 s (on a separate thread, as the blocked open(2) cannot be interrupted)
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoWrittenThenClosedGivesTheFramesOfTheFile(String kind) throws Exception {
        byte[] bytes = capture(kind);
        Path file = Files.write(tmp.resolve("c." + kind), bytes);
        Path fifo = tmp.resolve("fifo");
        mkfifo(fifo);
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {   // blocks until the reader opens it
                out.write(bytes);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        Read viaFifo = read(fifo);
        writer.join(10_000);
        assertFalse(writer.isAlive());
        Read viaFile = read(file);
        assertEquals(new ReadResult(viaFile.frames.size(), bytes.length, null), viaFile.result);
        assertEquals(viaFile.result, viaFifo.result);
        assertEquals(viaFile.frames, viaFifo.frames);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pcap", "pcapng"})
    void standardInputGivesTheFramesOfTheFile(String kind) throws Exception {
        byte[] bytes = capture(kind);
        Read viaFile = read(Files.write(tmp.resolve("c." + kind), bytes));
        InputStream saved = System.in;
        try {
            // a stream that hands out 3 bytes at a time, as a slow pipe would: the magic is split too
            System.setIn(new ByteArrayInputStream(bytes) {
                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    return super.read(b, off, Math.min(len, 3));
                }
            });
            Read viaStdin = read(CaptureFiles.STDIN);
            assertEquals(viaFile.result, viaStdin.result);
            assertEquals(viaFile.frames, viaStdin.frames);
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void emptyStandardInputIsNotACaptureAndSaysSo() {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(new byte[0]));
            CaptureException e = assertThrows(CaptureException.class, () -> CaptureFiles.open(CaptureFiles.STDIN));
            assertEquals(CaptureException.Reason.NOT_A_CAPTURE, e.reason());
            assertEquals("standard input is empty (0 bytes), not a pcap or pcapng capture", e.getMessage());
            System.setIn(new ByteArrayInputStream(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0}));
            e = assertThrows(CaptureException.class, () -> CaptureFiles.open(CaptureFiles.STDIN));
            assertEquals("standard input is not a pcap or pcapng capture (magic 0x1f8b0800 \"....\"); tcplens reads"
                    + " pcap (a1b2c3d4, a1b23c4d) and pcapng (0a0d0d0a); it looks gzip-compressed: gunzip it first",
                    e.getMessage());
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void waitingForAFifoWriterEndsWhenTheRunStops() throws Exception {
        Path fifo = tmp.resolve("silent");
        mkfifo(fifo);
        AtomicInteger asked = new AtomicInteger();
        try {
            // stop turns true the third time it is asked (each wait is StreamChannel.POLL_MS): no clock involved
            CaptureException e = assertThrows(CaptureException.class,
                    () -> CaptureFiles.open(fifo, CaptureFiles.Reader.BUILTIN, () -> asked.incrementAndGet() >= 3));
            assertEquals(CaptureException.Reason.IO_ERROR, e.reason());
            assertEquals("cannot read " + fifo + ": stopped while waiting for " + fifo + " to be written", e.getMessage());
            assertEquals(3, asked.get());
        } finally {
            // the daemon thread still waits in open(2): a writer that opens and closes lets it end
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.flush();
            }
        }
    }

    @Test
    void aStreamIsReadThroughBoundedChunks() throws Exception {
        // 1 MiB through a StreamChannel: the reader's buffer is 64 kB, so the chunks are reused many times
        byte[] bytes = new byte[1 << 20];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        try (StreamChannel ch = new StreamChannel("test", () -> new ByteArrayInputStream(bytes), () -> false)) {
            java.nio.ByteBuffer dst = java.nio.ByteBuffer.allocate(bytes.length + 1);
            int reads = 0;
            while (ch.read(dst) >= 0 && reads < 1_000_000) {
                reads++;
            }
            assertEquals(bytes.length, dst.position());
            assertEquals(java.nio.ByteBuffer.wrap(bytes), dst.flip());
            assertEquals(bytes.length / StreamChannel.CHUNK, reads, "one read per chunk");
        }
    }
}
