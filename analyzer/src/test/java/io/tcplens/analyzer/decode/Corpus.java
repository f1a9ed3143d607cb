package io.tcplens.analyzer.decode;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;

/**
 * The public capture corpus (system property {@code tcplens.corpus}) read with pcap4j/libpcap, so the
 * analyzer tests need not depend on the capture module. Skips (with the reason) when the corpus or
 * libpcap is absent.
 */
final class Corpus {

    /** One record: frame number (1-based, as tshark counts), link type, bytes, wire length. */
    interface FrameVisitor {
        void frame(int number, int linkType, byte[] data, int wireLength) throws Exception;
    }

    private Corpus() {
    }

    /** The corpus directory; skips the calling test when it is not there. */
    static Path root() {
        String dir = System.getProperty("tcplens.corpus");
        Assumptions.assumeTrue(dir != null && Files.isDirectory(Path.of(dir)),
                "capture corpus not present (system property tcplens.corpus = " + dir + ")");
        return Path.of(dir);
    }

    /** Capture files under the corpus, as paths relative to it with '/' separators, sorted. */
    static List<String> files(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> n.endsWith(".pcap") || n.endsWith(".pcapng") || n.endsWith(".cap"))
                    .sorted()
                    .forEach(out::add);
        }
        return out;
    }

    /** Skips the calling test when pcap4j cannot load libpcap. */
    static void assumeLibpcap() {
        String why = null;
        try {
            Pcaps.libVersion();
        } catch (Throwable t) {   // UnsatisfiedLinkError / NoClassDefFoundError from JNA
            why = t.toString();
        }
        Assumptions.assumeTrue(why == null, "libpcap not installed (" + why + ")");
    }

    /**
     * Reads every record of a capture. Returns null when done, or the reason libpcap could not read
     * the file (for example a pcapng whose interfaces have different link types).
     */
    static String read(Path file, FrameVisitor v) throws Exception {
        PcapHandle h;
        try {
            h = Pcaps.openOffline(file.toString());
        } catch (Exception e) {
            return "libpcap cannot open it: " + e.getMessage();
        }
        try {
            int linkType = h.getDlt().value();
            int n = 0;
            while (true) {
                byte[] data;
                try {
                    data = h.getNextRawPacketEx();
                } catch (EOFException e) {
                    return null;
                } catch (Exception e) {
                    return "libpcap stopped after frame " + n + ": " + e.getMessage();
                }
                n++;
                Integer orig = h.getOriginalLength();
                v.frame(n, linkType, data, orig == null ? data.length : orig);
            }
        } finally {
            h.close();
        }
    }
}
