package io.tcplens.analyzer.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcplens.analyzer.testing.Frames;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decoder unit tests: every expected value is computed by hand from the bytes built here. */
class PacketDecoderTest {

    private final PacketDecoder dec = new PacketDecoder();
    private final TcpSegment seg = new TcpSegment();

    // IPv4 10.0.0.1 -> 10.0.0.2, 40000 -> 80, seq 1000, ack 2000 (ACK), PSH, window 512, 5 payload bytes:
    // 20 IP + 20 TCP + 5 = 45 bytes
    private static byte[] ip4() {
        return Frames.tcp("10.0.0.1", 40000, "10.0.0.2", 80).seq(1000).ack(2000).psh().window(512).payload(5)
                .link(Frames.Link.RAW).build();
    }

    // IPv6 2001:db8::1 -> 2001:db8::2, 443 -> 50000, SYN, 0 payload: 40 IP + 20 TCP = 60 bytes
    private static byte[] ip6() {
        return Frames.tcp("2001:db8::1", 443, "2001:db8::2", 50000).syn().seq(7).link(Frames.Link.RAW).build();
    }

    private static byte[] cat(Object... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof byte[] b) {
                o.writeBytes(b);
            } else if (p instanceof int[] a) {
                for (int v : a) {
                    o.write(v);
                }
            } else {
                throw new IllegalArgumentException();
            }
        }
        return o.toByteArray();
    }

    private static int[] bytes(int... v) {
        return v;
    }

    private static final int[] MACS = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};

    private DecodeResult d(int linkType, byte[] f) {
        return dec.decode(linkType, f, 0, f.length, seg);
    }

    private void assertIp4Segment() {
        assertEquals(4, seg.ipVersion());
        assertEquals("10.0.0.1", PacketDecoder.formatAddress(4, seg.srcHi(), seg.srcLo()));
        assertEquals("10.0.0.2", PacketDecoder.formatAddress(4, seg.dstHi(), seg.dstLo()));
        assertEquals(0x0A000001L, seg.srcLo());
        assertEquals(40000, seg.srcPort());
        assertEquals(80, seg.dstPort());
        assertEquals(1000, seg.seq());
        assertEquals(2000, seg.ack());
        assertEquals(TcpSegment.ACK | TcpSegment.PSH, seg.flags());
        assertEquals(512, seg.window());
        assertEquals(20, seg.tcpHeaderLength());
        assertEquals(5, seg.payloadLength());
        assertEquals(64, seg.ipTtl());
        assertEquals(0x1234, seg.ipId());
    }

    private void assertIp6Segment() {
        assertEquals(6, seg.ipVersion());
        assertEquals("2001:db8::1", PacketDecoder.formatAddress(6, seg.srcHi(), seg.srcLo()));
        assertEquals("2001:db8::2", PacketDecoder.formatAddress(6, seg.dstHi(), seg.dstLo()));
        assertEquals(0x20010DB800000000L, seg.srcHi());
        assertEquals(1L, seg.srcLo());
        assertEquals(443, seg.srcPort());
        assertEquals(50000, seg.dstPort());
        assertEquals(7, seg.seq());
        assertEquals(TcpSegment.SYN, seg.flags());
        assertEquals(0, seg.payloadLength());
    }

    // ------------------------------------------------------------ link types

    @Test
    void ethernetWithPaddingKeepsIpLength() {
        // 14 + 20 + 20 + 5 = 59 bytes, padded by Frames to 60: the pad byte is not payload
        byte[] f = Frames.tcp("10.0.0.1", 40000, "10.0.0.2", 80).seq(1000).ack(2000).psh().window(512).payload(5).build();
        assertEquals(60, f.length);
        assertEquals(DecodeResult.TCP, d(1, f));
        assertIp4Segment();
        assertEquals(5, seg.capturedPayloadLength());
        assertEquals(14, seg.ipOffset());
        assertEquals(34, seg.tcpOffset());
        assertEquals(TcpSegment.ABSENT, seg.vlanId());
    }

    @Test
    void vlanQinqAnd9100Tags() {
        assertEquals(DecodeResult.TCP, d(1, cat(MACS, bytes(0x81, 0x00, 0x00, 0x64, 0x08, 0x00), ip4())));
        assertIp4Segment();
        assertEquals(100, seg.vlanId());
        // 802.1ad 10 / 0x9100 20 / 802.1Q 30
        byte[] f = cat(MACS, bytes(0x88, 0xA8, 0x00, 0x0A, 0x91, 0x00, 0x00, 0x14, 0x81, 0x00, 0x20, 0x1E, 0x86, 0xDD), ip6());
        assertEquals(DecodeResult.TCP, d(1, f));
        assertIp6Segment();
        assertEquals(10, seg.vlanId());
        assertEquals(20, seg.innerVlanId());
        assertEquals(3, seg.vlanCount());
    }

    @Test
    void llcSnapMplsPppoeFabricPath() {
        // 802.3: length 53 (<= 1500), LLC/SNAP AA AA 03 000000 0800
        assertEquals(DecodeResult.TCP, d(1, cat(MACS, bytes(0x00, 0x35, 0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00), ip4())));
        assertIp4Segment();
        // MPLS: label 16 (not bottom), label 17 (bottom of stack), then IPv6 by first nibble
        assertEquals(DecodeResult.TCP, d(1, cat(MACS, bytes(0x88, 0x47, 0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x11, 0x40), ip6())));
        assertIp6Segment();
        // PPPoE session: ver/type 0x11, code 0, session 0x002a, length 2 + 45 = 47, PPP 0x0021
        assertEquals(DecodeResult.TCP, d(1, cat(MACS, bytes(0x88, 0x64, 0x11, 0x00, 0x00, 0x2A, 0x00, 0x2F, 0x00, 0x21), ip4())));
        assertIp4Segment();
        // FabricPath: outer MACs, 0x8903, FTag/TTL, then an inner Ethernet II frame
        assertEquals(DecodeResult.TCP, d(1, cat(MACS, bytes(0x89, 0x03, 0x00, 0x3F), MACS, bytes(0x08, 0x00), ip4())));
        assertIp4Segment();
        assertEquals(1, seg.tunnelDepth());
        // ARP
        assertEquals(DecodeResult.NOT_IP, d(1, cat(MACS, bytes(0x08, 0x06), new byte[28])));
    }

    @Test
    void cookedNullLoopRawPpp() {
        assertEquals(DecodeResult.TCP, d(113, Frames.tcp("2001:db8::1", 443, "2001:db8::2", 50000).syn().seq(7)
                .link(Frames.Link.LINUX_SLL).build()));
        assertIp6Segment();
        // SLL2: protocol 0x0800, reserved, ifindex 1, ARPHRD_ETHER 1, packet type 0, addr len 6, 8 addr bytes
        byte[] sll2 = cat(bytes(0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0), ip4());
        assertEquals(DecodeResult.TCP, d(276, sll2));
        assertIp4Segment();
        assertEquals(20, seg.ipOffset());
        // NULL: AF_INET 2 little-endian and big-endian, AF_INET6 30 (Darwin)
        assertEquals(DecodeResult.TCP, d(0, cat(bytes(2, 0, 0, 0), ip4())));
        assertIp4Segment();
        assertEquals(DecodeResult.TCP, d(0, cat(bytes(0, 0, 0, 2), ip4())));
        assertIp4Segment();
        assertEquals(DecodeResult.TCP, d(0, cat(bytes(30, 0, 0, 0), ip6())));
        assertIp6Segment();
        assertEquals(DecodeResult.NOT_IP, d(0, cat(bytes(7, 0, 0, 0), ip4())));
        // LOOP: network order
        assertEquals(DecodeResult.TCP, d(108, cat(bytes(0, 0, 0, 24), ip6())));
        assertIp6Segment();
        for (int lt : new int[] {101, 12, 14, 228}) {
            assertEquals(DecodeResult.TCP, d(lt, ip4()), "link type " + lt);
            assertIp4Segment();
        }
        assertEquals(DecodeResult.TCP, d(229, ip6()));
        assertIp6Segment();
        assertEquals(DecodeResult.MALFORMED, d(229, ip4()));
        // PPP with and without FF 03; PPP-HDLC
        assertEquals(DecodeResult.TCP, d(9, cat(bytes(0xFF, 0x03, 0x00, 0x21), ip4())));
        assertIp4Segment();
        assertEquals(DecodeResult.TCP, d(9, cat(bytes(0x00, 0x57), ip6())));
        assertIp6Segment();
        assertEquals(DecodeResult.TCP, d(50, cat(bytes(0xFF, 0x03, 0x00, 0x57), ip6())));
        assertIp6Segment();
        assertEquals(DecodeResult.UNSUPPORTED_LINK_TYPE, d(127, ip4()));
    }

    @Test
    void fddiArcnetIpoibNflog() {
        // FDDI: FC, DA, SA (13 bytes), LLC/SNAP
        assertEquals(DecodeResult.TCP, d(10, cat(bytes(0x50), MACS, bytes(0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00), ip4())));
        assertIp4Segment();
        // ARCNET Linux: src, dst, offset(2), type 0xD4 (RFC 1201 IP), split flag 0, seq(2)
        assertEquals(DecodeResult.TCP, d(129, cat(bytes(0x01, 0x02, 0, 0, 0xD4, 0, 0, 1), ip4())));
        assertIp4Segment();
        assertEquals(DecodeResult.FRAGMENT, d(129, cat(bytes(0x01, 0x02, 0, 0, 0xD4, 2, 0, 1), ip4())));
        // old-style IP 0xF0 has the 5-byte header
        assertEquals(DecodeResult.TCP, d(129, cat(bytes(0x01, 0x02, 0, 0, 0xF0), ip4())));
        assertIp4Segment();
        // IPoIB: 40 address bytes, ethertype 0x86DD, reserved
        assertEquals(DecodeResult.TCP, d(242, cat(new byte[40], bytes(0x86, 0xDD, 0, 0), ip6())));
        assertIp6Segment();
        // NFLOG: AF_INET, version 0, resource 0; TLV prefix (len 8, type 1, little-endian) then payload
        // TLV (len 4 + 45 = 49 = 0x31, type 9), padded to 52
        byte[] nf = cat(bytes(2, 0, 0, 0), bytes(8, 0, 1, 0, 0, 0, 0, 0), bytes(0x31, 0, 9, 0), ip4(), bytes(0, 0, 0));
        assertEquals(DecodeResult.TCP, d(239, nf));
        assertIp4Segment();
        // same with big-endian TLV headers
        byte[] nfBe = cat(bytes(2, 0, 0, 0), bytes(0, 8, 0, 1, 0, 0, 0, 0), bytes(0, 0x31, 0, 9), ip4(), bytes(0, 0, 0));
        assertEquals(DecodeResult.TCP, d(239, nfBe));
        assertIp4Segment();
    }

    // ------------------------------------------------------------ tunnels

    private static byte[] outer4(int proto, byte[] inner) {
        int total = 20 + inner.length;
        return cat(bytes(0x45, 0, total >> 8, total & 0xFF, 0, 1, 0, 0, 64, proto, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2), inner);
    }

    @Test
    void tunnels() {
        byte[] ipip = outer4(4, ip4());
        assertEquals(DecodeResult.TCP, d(101, ipip));
        assertIp4Segment();
        assertEquals(1, seg.tunnelDepth());
        assertEquals(DecodeResult.TCP, d(101, outer4(41, ip6())));
        assertIp6Segment();
        // GRE with checksum (C) and key (K): flags 0xA000, protocol 0x0800, 4 + 4 + 4 bytes
        assertEquals(DecodeResult.TCP, d(101, outer4(47, cat(bytes(0xA0, 0x00, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 9), ip4()))));
        assertIp4Segment();
        // GRE transparent Ethernet bridging 0x6558 with sequence number (S)
        assertEquals(DecodeResult.TCP, d(101, outer4(47, cat(bytes(0x10, 0x00, 0x65, 0x58, 0, 0, 0, 1), MACS, bytes(0x86, 0xDD), ip6()))));
        assertIp6Segment();
        assertEquals(1, seg.tunnelDepth());   // one encapsulation: IPv4/GRE/Ethernet
        // VXLAN: UDP 12345 -> 4789, length, checksum; VXLAN flags 0x08, VNI 42; inner Ethernet
        byte[] inner = cat(MACS, bytes(0x08, 0x00), ip4());
        int udpLen = 16 + inner.length;
        byte[] vx = cat(bytes(0x30, 0x39, 0x12, 0xB5, udpLen >> 8, udpLen & 0xFF, 0, 0, 0x08, 0, 0, 0, 0, 0, 42, 0), inner);
        assertEquals(DecodeResult.TCP, d(101, outer4(17, vx)));
        assertIp4Segment();
        // UDP to another port is just UDP
        vx[3] = 0x35;
        assertEquals(DecodeResult.NOT_TCP, d(101, outer4(17, vx)));
        // nesting beyond MAX_TUNNEL_DEPTH stops
        byte[] deep = ip4();
        for (int i = 0; i <= PacketDecoder.MAX_TUNNEL_DEPTH; i++) {
            deep = outer4(4, deep);
        }
        assertEquals(DecodeResult.NOT_TCP, d(101, deep));
    }

    // ------------------------------------------------------------ IPv4

    @Test
    void ipv4OptionsFragmentsAndTso() {
        byte[] p = ip4();
        // insert 4 option bytes (NOP NOP NOP EOL): IHL 6, total 49
        byte[] opt = cat(java.util.Arrays.copyOf(p, 20), bytes(1, 1, 1, 0), java.util.Arrays.copyOfRange(p, 20, p.length));
        opt[0] = 0x46;
        opt[3] = 49;
        assertEquals(DecodeResult.TCP, d(101, opt));
        assertIp4Segment();
        assertEquals(24, seg.tcpOffset());
        // non-first fragment: offset 185 * 8
        byte[] frag = p.clone();
        frag[6] = 0x00;
        frag[7] = (byte) 185;
        assertEquals(DecodeResult.FRAGMENT, d(101, frag));
        assertEquals(1480, seg.fragmentOffset());
        // first fragment (MF, offset 0) with the whole TCP header: decoded
        frag[6] = 0x20;
        frag[7] = 0;
        assertEquals(DecodeResult.TCP, d(101, frag));
        assertTrue(seg.moreFragments());
        assertEquals(5, seg.payloadLength());
        // first fragment holding only 8 TCP bytes: FRAGMENT
        byte[] small = java.util.Arrays.copyOf(frag, 28);
        small[3] = 28;
        assertEquals(DecodeResult.FRAGMENT, d(101, small));
        // total length 0 (TSO): length from the frame - captured 45, wire 1045 -> 1000 + 5 payload bytes
        byte[] tso = p.clone();
        tso[2] = 0;
        tso[3] = 0;
        assertEquals(DecodeResult.TCP, dec.decode(101, tso, 0, tso.length, 1045, seg));
        assertEquals(1005, seg.payloadLength());
        assertEquals(5, seg.capturedPayloadLength());
        assertTrue(seg.ipLengthAssumed());
        assertEquals(DecodeResult.TCP, d(101, tso));
        assertEquals(5, seg.payloadLength());
        // total length 145 but only 45 bytes on the wire: bounded by the wire (Wireshark does the same)
        byte[] lie = p.clone();
        lie[3] = (byte) 145;
        assertEquals(DecodeResult.TCP, dec.decode(101, lie, 0, lie.length, lie.length, seg));
        assertEquals(5, seg.payloadLength());
        // ... and a snaplen cut (wire 145, 45 captured) keeps the IP length
        assertEquals(DecodeResult.TCP, dec.decode(101, lie, 0, lie.length, 145, seg));
        assertEquals(105, seg.payloadLength());
        assertEquals(5, seg.capturedPayloadLength());
        // IHL 4
        byte[] bad = p.clone();
        bad[0] = 0x44;
        assertEquals(DecodeResult.MALFORMED, d(101, bad));
        // not TCP
        byte[] udp = p.clone();
        udp[9] = 17;
        assertEquals(DecodeResult.NOT_TCP, d(101, udp));
    }

    // ------------------------------------------------------------ IPv6

    /** ip6() with extension headers inserted after the fixed header; next-header chain rewritten */
    private static byte[] ip6With(int firstNext, int[] ext) {
        byte[] p = ip6();
        byte[] out = cat(java.util.Arrays.copyOf(p, 40), ext, java.util.Arrays.copyOfRange(p, 40, p.length));
        int plen = out.length - 40;
        out[4] = (byte) (plen >> 8);
        out[5] = (byte) plen;
        out[6] = (byte) firstNext;
        return out;
    }

    @Test
    void ipv6ExtensionHeaders() {
        // hop-by-hop (8, PadN) -> routing (8) -> destination options (8) -> AH (len 1: 12 bytes) -> atomic fragment -> TCP
        int[] chain = {
            43, 0, 1, 4, 0, 0, 0, 0,
            60, 0, 0, 0, 0, 0, 0, 0,
            51, 0, 1, 4, 0, 0, 0, 0,
            44, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1,
            6, 0, 0, 0, 0, 0, 0, 9};
        byte[] f = ip6With(0, chain);
        assertEquals(DecodeResult.TCP, d(101, f));
        assertIp6Segment();
        assertEquals(40 + 44, seg.tcpOffset());
        assertEquals(9, seg.ipId());
        // non-first fragment
        byte[] frag = ip6With(44, new int[] {6, 0, 0x05, 0xC8, 0, 0, 0, 9});
        assertEquals(DecodeResult.FRAGMENT, d(101, frag));
        assertEquals(1480, seg.fragmentOffset());
        assertEquals(DecodeResult.NOT_TCP, d(101, ip6With(50, new int[] {0, 0, 0, 1, 0, 0, 0, 1})));
        assertEquals(DecodeResult.NOT_TCP, d(101, ip6With(59, new int[0])));
        // extension header longer than the payload
        byte[] bad = ip6With(60, new int[] {6, 200, 0, 0, 0, 0, 0, 0});
        assertEquals(DecodeResult.MALFORMED, d(101, bad));
    }

    @Test
    void ipv6Jumbogram() {
        // payload length 0, hop-by-hop with Jumbo option C2 04 <len>; jumbo length = 8 (HBH) + 20 (TCP) + 70000
        int jumbo = 8 + 20 + 70000;
        byte[] f = ip6With(0, new int[] {6, 0, 0xC2, 4, jumbo >>> 24, (jumbo >> 16) & 0xFF, (jumbo >> 8) & 0xFF, jumbo & 0xFF});
        f[4] = 0;
        f[5] = 0;
        assertEquals(DecodeResult.TCP, d(101, f));
        assertTrue(seg.jumbogram());
        assertEquals(70000, seg.payloadLength());
        assertEquals(0, seg.capturedPayloadLength());
    }

    // ------------------------------------------------------------ TCP header and options

    @Test
    void tcpOptions() {
        byte[] f = Frames.tcp("10.0.0.1", 1, "10.0.0.2", 2).syn().mss(1460).sackPermitted().timestamps(0xFFFFFFF0L, 5)
                .windowScale(7).sack(100, 200).link(Frames.Link.RAW).build();
        assertEquals(DecodeResult.TCP, d(101, f));
        assertEquals(1460, seg.mss());
        assertTrue(seg.sackPermitted());
        assertTrue(seg.hasTimestamps());
        assertEquals(0xFFFFFFF0, seg.tsVal());
        assertEquals(5, seg.tsEcr());
        assertEquals(7, seg.windowScale());
        assertEquals(1, seg.sackBlockCount());
        assertEquals(100, seg.sackLeft(0));
        assertEquals(200, seg.sackRight(0));
        // 4 (MSS) + 4 (SACK-perm) + 12 (TS) + 4 (WS) + 4 + 8 (SACK) = 36 option bytes
        assertEquals(56, seg.tcpHeaderLength());
        assertFalse(seg.optionsTruncated());
        // cut by the snaplen inside the timestamps option: 20 IP + 20 TCP + 4 MSS + 4 SACK-perm + 6
        assertEquals(DecodeResult.TCP, dec.decode(101, f, 0, 54, f.length, seg));
        assertTrue(seg.optionsTruncated());
        assertEquals(1460, seg.mss());
        assertFalse(seg.hasTimestamps());
        assertEquals(0, seg.payloadLength());
        // bad option length 1 in place of the MSS length: stop cleanly
        byte[] bad = f.clone();
        bad[41] = 1;
        assertEquals(DecodeResult.TCP, d(101, bad));
        assertTrue(seg.optionsTruncated());
        assertEquals(TcpSegment.ABSENT, seg.mss());
    }

    @Test
    void tcpFlagsAeAndReserved() {
        byte[] f = ip4();
        f[32] = 0x5F;   // data offset 5, reserved 111, AE 1
        f[33] = (byte) 0xFF;
        assertEquals(DecodeResult.TCP, d(101, f));
        assertEquals(0x1FF, seg.flags());
        assertEquals(7, seg.reservedBits());
        assertEquals(0xFFF, seg.flagsWithReserved());
        assertEquals(7, seg.segmentLength());   // 5 + SYN + FIN
    }

    @Test
    void truncatedAndMalformed() {
        byte[] f = Frames.tcp("10.0.0.1", 40000, "10.0.0.2", 80).seq(1000).ack(2000).psh().window(512).payload(5).build();
        // 14 + 20 + 19 bytes: one byte short of the fixed TCP header
        assertEquals(DecodeResult.TRUNCATED, dec.decode(1, f, 0, 53, seg));
        assertEquals(40000, seg.srcPort());
        assertEquals(DecodeResult.TRUNCATED, dec.decode(1, f, 0, 30, seg));
        assertEquals(DecodeResult.TRUNCATED, dec.decode(1, f, 0, 10, seg));
        // exactly the fixed header
        assertEquals(DecodeResult.TCP, dec.decode(1, f, 0, 54, seg));
        assertEquals(5, seg.payloadLength());
        assertEquals(0, seg.capturedPayloadLength());
        // data offset 4
        byte[] m = f.clone();
        m[46] = 0x40;
        assertEquals(DecodeResult.MALFORMED, d(1, m));
        // data offset 15 (60 bytes) > IP payload 25
        m[46] = (byte) 0xF0;
        assertEquals(DecodeResult.MALFORMED, d(1, m));
        // buffer offset: the same frame inside a larger array
        byte[] big = cat(new byte[7], f, new byte[3]);
        assertEquals(DecodeResult.TCP, dec.decode(1, big, 7, f.length, seg));
        assertIp4Segment();
        assertEquals(DecodeResult.MALFORMED, dec.decode(1, null, 0, 0, seg));
        assertEquals(DecodeResult.MALFORMED, dec.decode(1, f, -1, 10, seg));
        assertEquals(DecodeResult.TRUNCATED, dec.decode(1, f, 0, 0, seg));
    }

    @Test
    void fuzzedFramesNeverThrow() {
        Random r = new Random(20240601L);
        byte[][] seeds = {
            Frames.tcp("10.0.0.1", 1, "10.0.0.2", 2).syn().mss(1460).sackPermitted().timestamps(1, 2).windowScale(7).build(),
            cat(MACS, bytes(0x88, 0x64, 0x11, 0x00, 0x00, 0x2A, 0x00, 0x2F, 0x00, 0x21), ip4()),
            ip6With(0, new int[] {43, 0, 1, 4, 0, 0, 0, 0, 44, 0, 0, 0, 0, 0, 0, 1}),
            outer4(47, cat(bytes(0xB0, 0x00, 0x65, 0x58, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), MACS, bytes(0x08, 0x00), ip4())),
            cat(bytes(2, 0, 0, 0), bytes(8, 0, 1, 0, 0, 0, 0, 0), bytes(0x31, 0, 9, 0), ip4()),
        };
        int[] linkTypes = {0, 1, 9, 10, 12, 14, 50, 101, 108, 113, 129, 228, 229, 239, 242, 276};
        int[] counts = new int[DecodeResult.values().length];
        for (int i = 0; i < 200_000; i++) {
            byte[] f;
            if (i % 4 == 0) {
                f = new byte[r.nextInt(120)];
                r.nextBytes(f);
            } else {
                f = seeds[r.nextInt(seeds.length)].clone();
                for (int k = r.nextInt(6); k >= 0; k--) {
                    if (f.length > 0) {
                        f[r.nextInt(f.length)] = (byte) r.nextInt(256);
                    }
                }
            }
            int cap = f.length == 0 ? 0 : r.nextInt(f.length + 1);
            int lt = linkTypes[r.nextInt(linkTypes.length)];
            int wire = r.nextBoolean() ? -1 : cap + r.nextInt(100_000);
            counts[dec.decode(lt, f, 0, cap, wire, seg).ordinal()]++;
        }
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        assertEquals(200_000, total);
    }

    @Test
    void decodeAllocatesNothing() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        if (!(mx instanceof com.sun.management.ThreadMXBean sun) || !sun.isThreadAllocatedMemorySupported()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "thread allocation counter not available");
            return;
        }
        byte[] f = Frames.tcp("2001:db8::1", 1, "2001:db8::2", 2).syn().mss(1460).sackPermitted().timestamps(1, 2)
                .windowScale(7).sack(1, 2).vlan(5).payload(100).build();
        for (int i = 0; i < 50_000; i++) {   // warm up (JIT)
            dec.decode(1, f, 0, f.length, seg);
        }
        long tid = Thread.currentThread().getId();
        long before = sun.getThreadAllocatedBytes(tid);
        int tcp = 0;
        for (int i = 0; i < 100_000; i++) {
            if (dec.decode(1, f, 0, f.length, seg) == DecodeResult.TCP) {
                tcp++;
            }
        }
        long after = sun.getThreadAllocatedBytes(tid);
        assertEquals(100_000, tcp);
        // 100k decodes: any per-packet object would be >= 1.6 MB; allow a little for the counter itself
        assertTrue(after - before < 16_384, "allocated " + (after - before) + " bytes");
    }

    // ------------------------------------------------------------ RFC 5952

    private static String v6(int... groups) {
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++) {
            hi = hi << 16 | groups[i];
            lo = lo << 16 | groups[4 + i];
        }
        return PacketDecoder.formatAddress(6, hi, lo);
    }

    @Test
    void formatAddressRfc5952() {
        assertEquals("2001:db8::1", v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
        assertEquals("::1", v6(0, 0, 0, 0, 0, 0, 0, 1));
        assertEquals("::", v6(0, 0, 0, 0, 0, 0, 0, 0));
        assertEquals("2001:db8:0:1:1:1:1:1", v6(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1));
        assertEquals("2001:0:0:1::1", v6(0x2001, 0, 0, 1, 0, 0, 0, 1));
        assertEquals("2001:db8::1:0:0:1", v6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1));   // tie: leftmost
        assertEquals("1::", v6(1, 0, 0, 0, 0, 0, 0, 0));
        assertEquals("fe80::abcd:ef01", v6(0xfe80, 0, 0, 0, 0, 0, 0xabcd, 0xef01));
        assertEquals("::ffff:192.0.2.1", v6(0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201));
        assertEquals("192.0.2.1", PacketDecoder.formatAddress(4, 0, 0xC0000201L));
        assertEquals("255.255.255.255", PacketDecoder.formatAddress(4, 0, 0xFFFFFFFFL));
    }
}
