package io.tcplens.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;

/**
 * Coverage-guided fuzz tests (Jazzer) of the built-in readers: any bytes either fail to open with a
 * {@link CaptureException}, or are read to a {@link ReadResult}; no other exception, no hang, every
 * frame handed out lies inside the buffer, and the bytes consumed never exceed the input.
 *
 * <p>In {@code mvn verify} these replay their seeds and every crash found so far (the
 * {@code ReaderFuzzTestInputs/} resources). A fuzzing run: see docs/ROBUSTNESS.md.
 */
class ReaderFuzzTest {

    /** small on purpose: growth of the window is exercised by ordinary inputs */
    static final int BUFFER = 256;

    @FuzzTest(maxDuration = "10s")
    void pcap(byte[] input) {
        read(input, false);
    }

    @FuzzTest(maxDuration = "10s")
    void pcapng(byte[] input) {
        read(input, true);
    }

    static void read(byte[] input, boolean ng) {
        Checker check = new Checker();
        PacketSource src;
        try {
            src = ng ? PcapngFileReader.open(Path.of("fuzz.pcapng"), Channels.newChannel(new ByteArrayInputStream(input)), BUFFER)
                    : PcapFileReader.open(Path.of("fuzz.pcap"), Channels.newChannel(new ByteArrayInputStream(input)), BUFFER);
        } catch (CaptureException e) {
            assertEquals(CaptureException.Reason.NOT_A_CAPTURE, e.reason(), e.getMessage());
            return;
        }
        try (src) {
            ReadResult r = src.readAll(check);
            assertEquals(check.frames, r.frames());
            assertTrue(r.bytes() >= 0 && r.bytes() <= input.length, () -> "consumed " + r.bytes() + " of " + input.length);
            if (r.warning() != null) {
                assertTrue(r.warning().lines().count() == 1, r.warning());
                assertTrue(r.warning().contains("at byte " + r.bytes()), r.warning());
            }
            // a file read to its end consumed all of it
            if (r.warning() == null) {
                assertEquals(input.length, r.bytes());
            }
        } catch (CaptureException e) {
            throw new AssertionError("an in-memory read failed: " + e.getMessage(), e);
        }
    }

    static final class Checker implements FrameHandler {
        long frames;

        @Override
        public void onFrame(long ts, int linkType, int ifId, byte[] data, int off, int caplen, int origlen) {
            if (off < 0 || caplen < 0 || (long) off + caplen > data.length || origlen < 0 || ifId < 0
                    || linkType < 0 || linkType > 0xFFFF) {
                throw new AssertionError("bad frame: off " + off + " caplen " + caplen + " origlen " + origlen
                        + " buffer " + data.length + " if " + ifId + " link type " + linkType);
            }
            frames++;
        }
    }
}
