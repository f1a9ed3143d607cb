package io.tcplens.analyzer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcplens.analyzer.decode.DecodeResult;
import io.tcplens.analyzer.decode.PacketDecoder;
import io.tcplens.analyzer.decode.TcpSegment;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.analyzer.testing.Frames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Nonsense packets (issue 8) are counted as malformed or truncated, never throw, never loop, and
 * never derail the session their neighbours belong to.
 */
class HostileFramesTest {

    static final int RAW_IPV6 = PacketDecoder.LINKTYPE_IPV6;

    /** raw IPv6 with {@code n} 8-byte destination-options headers, then a 20-byte TCP header */
    static byte[] ipv6WithChain(int n, boolean endsInTcp) {
        int payload = n * 8 + 20;
        byte[] b = new byte[40 + payload];
        b[0] = 0x60;
        b[4] = (byte) (payload >> 8);
        b[5] = (byte) payload;
        b[6] = (byte) (n > 0 ? 60 : 6);
        b[7] = 64;
        b[23] = 1;
        b[39] = 2;
        for (int i = 0; i < n; i++) {
            int q = 40 + 8 * i;
            b[q] = (byte) (i + 1 < n ? 60 : endsInTcp ? 6 : 60);
            b[q + 1] = 0;
        }
        int t = 40 + 8 * n;
        b[t] = 0x30;
        b[t + 1] = 0x39;
        b[t + 3] = 80;
        b[t + 12] = 0x50;
        b[t + 13] = 0x02;
        return b;
    }

    @Test
    void ipv6ExtensionChainIsBounded() {
        TcpSegment seg = new TcpSegment();
        PacketDecoder d = new PacketDecoder();
        byte[] ok = ipv6WithChain(5, true);
        assertEquals(DecodeResult.TCP, d.decode(RAW_IPV6, ok, 0, ok.length, seg));
        // 8000 headers in a 64 kB packet: stops after MAX_IPV6_EXTENSION_HEADERS, as malformed
        byte[] endless = ipv6WithChain(8000, false);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                assertEquals(DecodeResult.MALFORMED, d.decode(RAW_IPV6, endless, 0, endless.length, seg)));
        byte[] justTooLong = ipv6WithChain(PacketDecoder.MAX_IPV6_EXTENSION_HEADERS + 1, true);
        assertEquals(DecodeResult.MALFORMED, d.decode(RAW_IPV6, justTooLong, 0, justTooLong.length, seg));
        byte[] longest = ipv6WithChain(PacketDecoder.MAX_IPV6_EXTENSION_HEADERS, true);
        assertEquals(DecodeResult.TCP, d.decode(RAW_IPV6, longest, 0, longest.length, seg));
    }

    @Test
    void tcpOptionsRunningPastTheHeaderAreFlaggedNotFollowed() {
        byte[] f = Frames.tcp("10.0.0.1", 1000, "10.0.0.2", 80).syn().seq(1).mss(1460).link(Frames.Link.RAW).build();
        // the MSS option (kind 2, length 4) at the start of the options: claim length 40 instead
        int tcp = 20;
        assertEquals(2, f[tcp + 20]);
        f[tcp + 21] = 40;
        TcpSegment seg = new TcpSegment();
        assertEquals(DecodeResult.TCP, new PacketDecoder().decode(PacketDecoder.LINKTYPE_RAW, f, 0, f.length, seg));
        assertTrue(seg.optionsTruncated());
        assertEquals(-1, seg.mss(), "no MSS (-1)");
    }

    @Test
    void nonsensePacketsAreCountedAndTheSessionGoesOn() {
        List<SessionRecord> out = new ArrayList<>();
        Analyzer a = new Analyzer(out::add);
        Frames syn = Frames.tcp("10.0.0.1", 1000, "10.0.0.2", 80).syn().seq(100).link(Frames.Link.RAW);
        a.onFrame(1_000_000_000L, 101, 0, syn.build(), 0, syn.build().length, syn.build().length);
        // data offset 15 (60 bytes) in a packet with a 20-byte TCP header: malformed
        byte[] bad = Frames.tcp("10.0.0.2", 80, "10.0.0.1", 1000).syn().ack(101).seq(500).link(Frames.Link.RAW).build();
        bad[20 + 12] = (byte) 0xF0;
        a.onFrame(1_000_100_000L, 101, 0, bad, 0, bad.length, bad.length);
        // a header cut short by the capture: truncated
        a.onFrame(1_000_150_000L, 101, 0, bad, 0, 30, bad.length);
        // all flags set (CWR ECE URG ACK PSH RST SYN FIN): decoded as TCP, goes to its session
        byte[] all = Frames.tcp("10.0.0.2", 80, "10.0.0.1", 1000).flags(0xFF).seq(500).ackField(101).link(Frames.Link.RAW).build();
        a.onFrame(1_000_200_000L, 101, 0, all, 0, all.length, all.length);
        Frames synack = Frames.tcp("10.0.0.2", 80, "10.0.0.1", 1000).syn().ack(101).seq(500).link(Frames.Link.RAW);
        a.onFrame(1_000_300_000L, 101, 0, synack.build(), 0, synack.build().length, synack.build().length);
        a.finish();
        DecodeStats st = a.stats();
        assertEquals(5, st.frames());
        assertEquals(1, st.malformed());
        assertEquals(1, st.truncated());
        assertEquals(3, st.tcpSegments());
        assertTrue(out.size() >= 1);
        assertEquals(3, out.stream().mapToLong(r -> r.packetsC2s() + r.packetsS2c()).sum());
    }

    @Test
    void unsupportedLinkTypesAreCountedByTheirOwnNumber() {
        Analyzer a = new Analyzer(r -> { });
        byte[] f = new byte[40];
        a.onFrame(1, 4242, 0, f, 0, f.length, f.length);
        a.onFrame(2, 1000, 0, f, 0, f.length, f.length);
        a.onFrame(3, 4242, 0, f, 0, f.length, f.length);
        DecodeStats st = a.stats();
        assertEquals(2, st.unsupported(4242));
        assertEquals(1, st.unsupported(1000));
        assertEquals(0, st.unsupported(1000 & 511));
        assertArrayEquals(new int[] {1000, 4242}, st.unsupportedLinkTypes());
        assertEquals(3, st.count(DecodeResult.UNSUPPORTED_LINK_TYPE));
    }

    /**
     * A pcapng file may give each interface its own link type: 50,000 distinct unsupported ones,
     * each seen twice, are counted apart in a few index probes a frame (a scan of the kinds seen
     * so far made that 2.5 billion comparisons).
     */
    @Test
    void manyDistinctLinkTypesCostAFewProbesAFrame() {
        Analyzer a = new Analyzer(r -> { });
        byte[] f = new byte[40];
        int kinds = 50_000;
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < kinds; k++) {
                a.onFrame(k, 70_000 + k, 0, f, 0, f.length, f.length);
            }
        }
        DecodeStats st = a.stats();
        assertEquals(2L * kinds, st.count(DecodeResult.UNSUPPORTED_LINK_TYPE));
        assertEquals(kinds, st.unsupportedLinkTypes().length);
        assertEquals(2, st.unsupported(70_000));
        assertEquals(2, st.unsupported(70_000 + kinds - 1));
        assertEquals(0, st.unsupported(70_000 + kinds));
        assertTrue(st.probes() < 3L * 2 * kinds, "probes " + st.probes());
    }
}
