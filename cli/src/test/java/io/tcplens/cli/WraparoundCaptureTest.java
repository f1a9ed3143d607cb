package io.tcplens.cli;

import io.tcplens.analyzer.session.HandshakeStatus;
import io.tcplens.analyzer.session.Role;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.analyzer.testing.Frames;
import io.tcplens.capture.CaptureFiles;
import io.tcplens.capture.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A crafted capture whose sequence numbers wrap past 2^32 in both directions (RFC 9293 §3.4):
 * handshake, data across the wrap, FIN close. Checked once by hand with tshark 4.0
 * ({@code tshark -r wrap.pcap -2 -T fields -e tcp.stream -e tcp.seq -e tcp.ack -e tcp.len
 * -e tcp.completeness -e tcp.analysis.initial_rtt}): one stream; relative seq/ack
 * 0/0, 0/1, 1/1, 1/1 (1000 B), 1001/1 (1000 B), 1/2001, 1/2001 (300 B), 2001/301, 301/2002,
 * 2002/302; completeness 31; iRTT 2 ms. (tshark also calls frame 3, the handshake ACK with ack 0,
 * a duplicate ACK "of frame 0": its "last ack" of 0 reads as unset - anomalies are tested elsewhere.)
 */
class WraparoundCaptureTest {

    @TempDir
    Path tmp;

    @Test
    void sessionAcrossTheWrapIsCompleteAndClosed() throws Exception {
        long isnC = 0xFFFF_FF00L;   // client data crosses 2^32 after 255 bytes
        long isnS = 0xFFFF_FFFFL;   // server ISN+1 is 0
        Path file = tmp.resolve("wrap.pcap");
        Frames[] trace = {
            Frames.tcp("10.9.0.1", 45000, "10.9.0.2", 443).syn().seq(isnC).mss(1460),
            Frames.tcp("10.9.0.2", 443, "10.9.0.1", 45000).syn().seq(isnS).ack(isnC + 1).mss(1460),
            Frames.tcp("10.9.0.1", 45000, "10.9.0.2", 443).seq(isnC + 1).ack(0),
            Frames.tcp("10.9.0.1", 45000, "10.9.0.2", 443).psh().seq(isnC + 1).ack(0).payload(1000),
            Frames.tcp("10.9.0.1", 45000, "10.9.0.2", 443).psh().seq(isnC + 1001).ack(0).payload(1000),
            Frames.tcp("10.9.0.2", 443, "10.9.0.1", 45000).seq(0).ack(isnC + 2001),
            Frames.tcp("10.9.0.2", 443, "10.9.0.1", 45000).psh().seq(0).ack(isnC + 2001).payload(300),
            Frames.tcp("10.9.0.1", 45000, "10.9.0.2", 443).fin().seq(isnC + 2001).ack(300),
            Frames.tcp("10.9.0.2", 443, "10.9.0.1", 45000).fin().seq(300).ack(isnC + 2002),
            Frames.tcp("10.9.0.1", 45000, "10.9.0.2", 443).seq(isnC + 2002).ack(301),
        };
        try (PcapWriter w = new PcapWriter(file, 1, 65535)) {
            long t = 1_700_000_000_000_000_000L;
            for (Frames f : trace) {
                byte[] b = f.build();
                w.write(t, b, 0, b.length, b.length);
                t += 1_000_000;   // 1 ms apart
            }
        }
        List<SessionRecord> rs = TsharkFixtures.analyze(file, CaptureFiles.Reader.BUILTIN,
                io.tcplens.analyzer.Analyzer.DEFAULT_IDLE_TIMEOUT_NS);
        assertEquals(1, rs.size());
        SessionRecord r = rs.get(0);
        assertEquals(HandshakeStatus.COMPLETE, r.handshake().status());
        assertEquals(2_000_000L, r.handshake().rttNs());
        assertTrue(r.close().complete());
        assertEquals(Role.CLIENT, r.close().initiator());
        assertEquals(2000, r.bytesC2s());
        assertEquals(2000, r.clientInfo().uniqueBytes());
        assertEquals(300, r.serverInfo().uniqueBytes());
        assertEquals(31, r.completeness());
        assertEquals(1, r.clientInfo().rttSamples());   // the first data segment, acked 2 ms later
    }
}
