package io.tcplens.capture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A copied frame, for assertions. */
record Frame(long ts, int linkType, int ifId, byte[] data, int origlen) {

    int caplen() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && f.ts == ts && f.linkType == linkType && f.ifId == ifId
                && Arrays.equals(f.data, data) && f.origlen == origlen;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(ts) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Frame[ts=" + ts + ", lt=" + linkType + ", if=" + ifId + ", caplen=" + data.length + ", len="
                + origlen + "]";
    }

    /** collects copies of every frame */
    static final class Collector implements FrameHandler {
        final List<Frame> frames = new ArrayList<>();

        @Override
        public void onFrame(long ts, int linkType, int ifId, byte[] data, int off, int caplen, int origlen) {
            frames.add(new Frame(ts, linkType, ifId, Arrays.copyOfRange(data, off, off + caplen), origlen));
        }
    }
}
