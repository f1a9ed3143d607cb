package io.tcplens.bench;

import io.tcplens.capture.CaptureFiles;
import io.tcplens.capture.PacketSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The first {@code limit} frames of a capture, copied into one array: what the benchmarks replay.
 * The capture is {@code -Dtcplens.pcap=FILE}, default {@code bench-out/bench-1m.pcap} (made by
 * {@code bench/run.sh}), else the repository's {@code sample-pcaps/mixed.pcap}.
 */
final class FrameSet {

    /** frames the benchmarks replay: ~16 MB of bench-1m, which stays in a 32 MB L3 as freshly read frames do */
    static final int FRAMES = 20_000;

    byte[] bytes = new byte[1 << 20];
    int[] offset = new int[1 << 14];
    int[] length = new int[1 << 14];
    long[] ts = new long[1 << 14];
    int[] linkType = new int[1 << 14];
    int count;
    int used;

    static FrameSet load(int limit) throws Exception {
        Path p = Path.of(System.getProperty("tcplens.pcap", "bench-out/bench-1m.pcap"));
        if (!Files.isRegularFile(p)) {
            p = Path.of("sample-pcaps/mixed.pcap");
        }
        FrameSet s = new FrameSet();
        try (PacketSource src = CaptureFiles.open(p, CaptureFiles.Reader.BUILTIN)) {
            src.readAll((t, lt, ifId, data, off, caplen, origlen) -> {
                if (s.count < limit) {
                    s.add(t, lt, data, off, caplen);
                }
            });
        }
        System.err.println("frame set: " + s.count + " frames, " + s.used + " bytes from " + p);
        return s;
    }

    private void add(long t, int lt, byte[] data, int off, int len) {
        if (count == offset.length) {
            int n = count * 2;
            offset = Arrays.copyOf(offset, n);
            length = Arrays.copyOf(length, n);
            ts = Arrays.copyOf(ts, n);
            linkType = Arrays.copyOf(linkType, n);
        }
        if (used + len > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, used + len));
        }
        System.arraycopy(data, off, bytes, used, len);
        offset[count] = used;
        length[count] = len;
        ts[count] = t;
        linkType[count] = lt;
        used += len;
        count++;
    }
}
