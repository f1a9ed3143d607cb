package io.tcplens.bench;

import io.tcplens.analyzer.decode.PacketDecoder;
import io.tcplens.analyzer.decode.TcpSegment;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What the benchmarks share: the captured frame set ({@link FrameSet#FRAMES} frames), a decoder and
 * a reused segment view, and how they are measured (ns per frame, 1 fork, 3 × 2 s warm-up,
 * 5 × 2 s measurement). JMH takes the state and the settings from this superclass.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public abstract class FrameBench {

    FrameSet frames;
    final PacketDecoder decoder = new PacketDecoder();
    final TcpSegment segment = new TcpSegment();

    @Setup(Level.Trial)
    public void load() throws Exception {
        frames = FrameSet.load(FrameSet.FRAMES);
    }
}
