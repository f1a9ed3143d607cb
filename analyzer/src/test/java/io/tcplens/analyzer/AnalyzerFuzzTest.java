package io.tcplens.analyzer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tcplens.analyzer.decode.DecodeResult;
import io.tcplens.analyzer.decode.PacketDecoder;
import io.tcplens.analyzer.decode.TcpSegment;
import java.util.HashSet;
import java.util.Set;

/**
 * Coverage-guided fuzz tests (Jazzer) of decode and session tracking: any sequence of frames, of
 * any link type and any bytes, is decoded without an exception, every session is emitted exactly
 * once, and the decoder's results stay inside the frame.
 *
 * <p>In {@code mvn verify} these replay their seeds and every crash found so far (the
 * {@code AnalyzerFuzzTestInputs/} resources). A fuzzing run: see docs/ROBUSTNESS.md.
 */
class AnalyzerFuzzTest {

    /** the link types the decoder knows, plus one it does not */
    static final int[] LINK_TYPES = {1, 113, 276, 0, 108, 101, 12, 228, 229, 9, 50, 10, 129, 242, 239, 147};

    /**
     * Frames from the fuzzer: each is a link type, a time step, a small offset into the buffer and
     * bytes. Mostly Ethernet and raw IP, so most inputs reach TCP and the session table.
     */
    @FuzzTest(maxDuration = "10s")
    void decodeAndTrack(FuzzedDataProvider data) {
        Set<Long> ids = new HashSet<>();
        long[] emitted = {0};
        // tiny idle timeout and linger sometimes, so expiry paths run too
        long idle = data.consumeBoolean() ? 1_000_000L : Analyzer.DEFAULT_IDLE_TIMEOUT_NS;
        long linger = data.consumeBoolean() ? 0L : Analyzer.DEFAULT_CLOSE_LINGER_NS;
        Analyzer analyzer = new Analyzer(idle, linger, r -> {
            assertTrue(ids.add(r.id()), "session " + r.id() + " emitted twice");
            emitted[0]++;
        });
        long ts = data.consumeLong(0, 4_000_000_000_000_000_000L);
        int frames = 0;
        while (data.remainingBytes() > 0 && frames < 64) {
            int linkType = data.consumeBoolean() ? LINK_TYPES[0] : data.pickValue(LINK_TYPES);
            ts += data.consumeInt(-1000, 2_000_000_000); // mostly forward, sometimes backwards
            int pad = data.consumeInt(0, 3);
            int wire = data.consumeInt(-1, 70_000);
            byte[] frame = data.consumeBytes(data.consumeInt(0, 1600));
            byte[] buf = new byte[pad + frame.length + pad];
            System.arraycopy(frame, 0, buf, pad, frame.length);
            analyzer.onFrame(ts, linkType, 0, buf, pad, frame.length, wire < 0 ? frame.length : Math.max(wire, frame.length));
            frames++;
        }
        analyzer.finish();
        assertEquals(frames, analyzer.stats().frames());
        assertEquals(analyzer.sessions().sessions(), emitted[0], "every session is emitted once");
    }

    /** One frame, straight into the decoder, at an offset inside a larger buffer. */
    @FuzzTest(maxDuration = "10s")
    void decode(FuzzedDataProvider data) {
        int linkType = data.pickValue(LINK_TYPES);
        int pad = data.consumeInt(0, 8);
        int wire = data.consumeInt(-1, 100_000);
        byte[] frame = data.consumeRemainingAsBytes();
        byte[] buf = new byte[pad + frame.length + 8];
        System.arraycopy(frame, 0, buf, pad, frame.length);
        TcpSegment seg = new TcpSegment();
        DecodeResult r = new PacketDecoder().decode(linkType, buf, pad, frame.length, wire, seg);
        if (r == DecodeResult.TCP) {
            assertTrue(seg.tcpHeaderLength() >= 20, "TCP header length " + seg.tcpHeaderLength());
            assertTrue(seg.capturedPayloadLength() >= 0 && seg.capturedPayloadLength() <= frame.length,
                    "captured payload " + seg.capturedPayloadLength());
            assertTrue(seg.payloadLength() >= 0, "payload " + seg.payloadLength());
        }
    }
}
