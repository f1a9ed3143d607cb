package io.tcplens.bench;

import io.tcplens.analyzer.decode.DecodeResult;
import io.tcplens.analyzer.decode.PacketDecoder;
import io.tcplens.analyzer.decode.TcpSegment;
import org.openjdk.jmh.annotations.Benchmark;
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

/** {@link PacketDecoder#decode} over a captured frame set: ns per frame. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecoderBench {

    FrameSet frames;
    final PacketDecoder decoder = new PacketDecoder();
    final TcpSegment segment = new TcpSegment();

    @Setup(Level.Trial)
    public void load() throws Exception {
        frames = FrameSet.load(FrameSet.FRAMES);
    }

    /** one pass over the set; the score is divided by the frame count below */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(FrameSet.FRAMES)
    public int decode() {
        FrameSet f = frames;
        int tcp = 0;
        for (int i = 0; i < f.count; i++) {
            if (decoder.decode(f.linkType[i], f.bytes, f.offset[i], f.length[i], f.length[i], segment) == DecodeResult.TCP) {
                tcp += segment.srcPort();
            }
        }
        return tcp;
    }
}
