package io.tcplens.cli;

import io.tcplens.analyzer.testing.Frames;
import io.tcplens.capture.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPv4 fragments that were never reassembled are not lost without a word (issue 13, item 10): the
 * run says how many on stderr, and the session they belong to counts them and is not "ok".
 */
class FragmentNoteTest {

    @TempDir
    Path tmp;

    @Test
    void aDatagramCutByTheEndOfTheCaptureIsNamedOnStderrAndInItsSession() throws Exception {
        // raw IPv4: SYN, SYN-ACK, ACK, then the first fragment (MF, 40 of the 120 IP payload bytes:
        // the TCP header and 20 bytes of data) of a 100-byte data segment whose other fragment never comes
        Frames c = Frames.tcp("192.0.2.1", 40000, "192.0.2.2", 80).link(Frames.Link.RAW);
        byte[] syn = Frames.tcp("192.0.2.1", 40000, "192.0.2.2", 80).link(Frames.Link.RAW).syn().seq(1000).build();
        byte[] synack = Frames.tcp("192.0.2.2", 80, "192.0.2.1", 40000).link(Frames.Link.RAW).syn().seq(5000).ack(1001).build();
        byte[] ack = Frames.tcp("192.0.2.1", 40000, "192.0.2.2", 80).link(Frames.Link.RAW).seq(1001).ack(5001).build();
        byte[] data = c.psh().seq(1001).ack(5001).payload(100).build();
        byte[] first = new byte[20 + 40];
        System.arraycopy(data, 0, first, 0, first.length);
        first[2] = 0;
        first[3] = (byte) first.length;
        first[6] = 0x20;   // MF, offset 0
        first[7] = 0;
        Path pcap = tmp.resolve("cut-fragment.pcap");
        try (PcapWriter w = new PcapWriter(pcap, 101, 65535, false)) {
            long t = 1_700_000_000_000_000_000L;
            for (byte[] f : List.of(syn, synack, ack, first)) {
                w.write(t, f, 0, f.length, f.length);
                t += 1_000_000;
            }
        }
        AnalyzeCommandTest.Run r = AnalyzeCommandTest.run("analyze", "--format", "jsonl", pcap.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("tcplens: note: 1 IPv4 fragment was never reassembled (1 datagram given up: 0 for the"
                + " 4 MiB reassembly memory, 0 timed out after 30 s, 1 incomplete at the end): their sessions count"
                + " them in fragments_dropped"), r.errLines());
        assertEquals(1, r.outLines().size(), r.out());
        String line = r.outLines().get(0);
        assertTrue(line.contains("\"fragments_dropped\":1,"), line);
        assertTrue(line.contains("\"code\":\"fragments_dropped\""), line);
        assertTrue(line.contains("\"bytes_c2s\":0,"), line);
    }
}
