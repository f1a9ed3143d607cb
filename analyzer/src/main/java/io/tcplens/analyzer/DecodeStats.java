package io.tcplens.analyzer;

import io.tcplens.analyzer.decode.DecodeResult;

/** Frames counted by what the decoder found in them; frames that aren't TCP are counted, not errors. */
public final class DecodeStats {

    private final long[] byResult = new long[DecodeResult.values().length];
    private final long[] unsupportedByLinkType = new long[512];
    private long frames;

    void count(DecodeResult result, int linkType) {
        frames++;
        byResult[result.ordinal()]++;
        if (result == DecodeResult.UNSUPPORTED_LINK_TYPE) {
            unsupportedByLinkType[linkType & 511]++;
        }
    }

    public long frames() {
        return frames;
    }

    public long count(DecodeResult result) {
        return byResult[result.ordinal()];
    }

    public long tcpSegments() {
        return count(DecodeResult.TCP);
    }

    /** frames of a link type tcplens does not decode, for {@code linkType} (mod 512) */
    public long unsupported(int linkType) {
        return unsupportedByLinkType[linkType & 511];
    }

    /** link types seen that tcplens cannot decode */
    public int[] unsupportedLinkTypes() {
        int n = 0;
        for (long c : unsupportedByLinkType) {
            if (c > 0) {
                n++;
            }
        }
        int[] types = new int[n];
        n = 0;
        for (int i = 0; i < unsupportedByLinkType.length; i++) {
            if (unsupportedByLinkType[i] > 0) {
                types[n++] = i;
            }
        }
        return types;
    }
}
