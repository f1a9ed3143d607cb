package io.tcplens.bench;

import io.tcplens.analyzer.decode.DecodeResult;
import org.openjdk.jmh.annotations.Benchmark;

/** {@link io.tcplens.analyzer.decode.PacketDecoder#decode} over a captured frame set: ns per frame. */
public class DecoderBench extends FrameBench {

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
