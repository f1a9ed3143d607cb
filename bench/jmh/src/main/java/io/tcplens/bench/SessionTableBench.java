package io.tcplens.bench;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.decode.DecodeResult;
import io.tcplens.analyzer.session.SessionTracker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Session lookup and update: {@link SessionTracker#onSegment} (table lookup, insert, the per-session
 * state machines, expiry, records) over a captured frame set, with a fresh tracker per pass so every
 * pass creates, updates and ends the same sessions. {@code track} includes decoding each frame (the
 * segment is a reused view, so frames are decoded again each pass): subtract {@code DecoderBench}
 * for the tracker alone. {@code analyzer} is the whole {@link Analyzer#onFrame} path. ns per frame.
 */
public class SessionTableBench extends FrameBench {

    @Benchmark
    @OperationsPerInvocation(FrameSet.FRAMES)
    public void track(Blackhole bh) {
        FrameSet f = frames;
        SessionTracker tracker = new SessionTracker(Analyzer.DEFAULT_IDLE_TIMEOUT_NS, Analyzer.DEFAULT_CLOSE_LINGER_NS,
                bh::consume);
        for (int i = 0; i < f.count; i++) {
            if (decoder.decode(f.linkType[i], f.bytes, f.offset[i], f.length[i], f.length[i], segment) == DecodeResult.TCP) {
                tracker.onSegment(segment, f.ts[i]);
            }
        }
        tracker.finish();
    }

    @Benchmark
    @OperationsPerInvocation(FrameSet.FRAMES)
    public void analyzer(Blackhole bh) {
        FrameSet f = frames;
        Analyzer a = new Analyzer(bh::consume);
        for (int i = 0; i < f.count; i++) {
            a.onFrame(f.ts[i], f.linkType[i], 0, f.bytes, f.offset[i], f.length[i], f.length[i]);
        }
        a.finish();
    }
}
