package io.tcplens.bench;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.decode.DecodeResult;
import io.tcplens.analyzer.decode.PacketDecoder;
import io.tcplens.analyzer.decode.TcpSegment;
import io.tcplens.analyzer.session.SessionTracker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Session lookup and update: {@link SessionTracker#onSegment} (table lookup, insert, the per-session
 * state machines, expiry, records) over a captured frame set, with a fresh tracker per pass so every
 * pass creates, updates and ends the same sessions. {@code track} includes decoding each frame (the
 * segment is a reused view, so frames are decoded again each pass): subtract {@code DecoderBench}
 * for the tracker alone. {@code analyzer} is the whole {@link Analyzer#onFrame} path. ns per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SessionTableBench {

    FrameSet frames;
    final PacketDecoder decoder = new PacketDecoder();
    final TcpSegment segment = new TcpSegment();

    @Setup(Level.Trial)
    public void load() throws Exception {
        frames = FrameSet.load(FrameSet.FRAMES);
    }

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
