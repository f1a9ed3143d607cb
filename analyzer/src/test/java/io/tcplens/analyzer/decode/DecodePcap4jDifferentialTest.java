package io.tcplens.analyzer.decode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.factory.PacketFactories;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * The design's test oracle: pcap4j (packetfactory-static) decodes every corpus frame independently;
 * where it finds a TcpPacket inside an IpV4Packet/IpV6Packet, ours must agree on addresses, ports,
 * seq, ack, flags, window and payload length (from the IP length).
 *
 * <p>What pcap4j 1.8.2 cannot decode (frames skipped and counted per link type, split into "TCP only
 * for us" and "not TCP for either"), as measured on the corpus: link types LINUX_SLL2 (276), NFLOG
 * (239), IPoIB (242), ARCNET_LINUX (129), raw IPv4 (228), raw IPv6 (229), FDDI (10); in BSD NULL (0)
 * the IPv6 address families (24/28/30); inside Ethernet: MPLS, PPPoE session, Cisco FabricPath,
 * 802.3 LLC/SNAP, 802.1ad/0x9100 stacked tags and VXLAN (it stops above the IP layer, no TcpPacket).
 * Ethernet, 802.1Q, Linux SLL, PPP, raw IP (DLT 12) and NULL/IPv4 it decodes, and there all agree.
 */
class DecodePcap4jDifferentialTest {

    @Test
    void decodeMatchesPcap4j() throws Exception {
        Path root = Corpus.root();
        Corpus.assumeLibpcap();
        PacketDecoder decoder = new PacketDecoder();
        TcpSegment seg = new TcpSegment();
        int[] compared = {0};
        int[] equal = {0};
        Map<String, Integer> skipped = new TreeMap<>();
        List<String> mismatches = new ArrayList<>();
        for (String file : Corpus.files(root)) {
            Corpus.read(root.resolve(file), (n, linkType, data, wireLen) -> {
                Packet p;
                try {
                    p = PacketFactories.getFactory(Packet.class, DataLinkType.class)
                            .newInstance(data, 0, data.length, DataLinkType.getInstance(linkType));
                } catch (RuntimeException e) {
                    skipped.merge("pcap4j threw " + e.getClass().getSimpleName(), 1, Integer::sum);
                    return;
                }
                TcpPacket tcp = p.get(TcpPacket.class);
                if (tcp == null) {
                    skipped.merge("link type " + linkType + (decoder.decode(linkType, data, 0, data.length, wireLen, seg)
                            == DecodeResult.TCP ? ", TCP only for us" : ", not TCP for either"), 1, Integer::sum);
                    return;
                }
                DecodeResult r = decoder.decode(linkType, data, 0, data.length, wireLen, seg);
                compared[0]++;
                String diff = compare(p, tcp, r, seg);
                if (diff == null) {
                    equal[0]++;
                } else {
                    mismatches.add(file + "#" + n + ": " + diff);
                }
            });
        }
        System.out.printf("pcap4j agreement: %d TCP frames compared, %d equal; skipped: %s%n",
                compared[0], equal[0], skipped);
        mismatches.stream().limit(100).forEach(System.out::println);
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches, first: "
                + (mismatches.isEmpty() ? "" : mismatches.get(0)));
    }

    /** null when equal, else what differs */
    private static String compare(Packet p, TcpPacket tcp, DecodeResult r, TcpSegment s) {
        if (r != DecodeResult.TCP) {
            return "ours " + r;
        }
        // the IP packet whose payload is this TcpPacket: the last IP layer before it
        InetAddress src = null;
        InetAddress dst = null;
        int ipPayload = -1;
        for (Packet q = p; q != null && q != tcp; q = q.getPayload()) {
            if (q instanceof IpV4Packet v4) {
                src = v4.getHeader().getSrcAddr();
                dst = v4.getHeader().getDstAddr();
                ipPayload = v4.getHeader().getTotalLengthAsInt() - v4.getHeader().getIhlAsInt() * 4;
            } else if (q instanceof IpV6Packet v6) {
                src = v6.getHeader().getSrcAddr();
                dst = v6.getHeader().getDstAddr();
                ipPayload = -1;   // extension headers: pcap4j gives no single payload length; use TCP's own
            }
        }
        if (src == null) {
            return "pcap4j TCP without IP parent";
        }
        StringBuilder d = new StringBuilder();
        String ver = src instanceof Inet6Address ? "6" : "4";
        check(d, "version", ver, Integer.toString(s.ipVersion()));
        check(d, "src", canonical(src), PacketDecoder.formatAddress(s.ipVersion(), s.srcHi(), s.srcLo()));
        check(d, "dst", canonical(dst), PacketDecoder.formatAddress(s.ipVersion(), s.dstHi(), s.dstLo()));
        TcpPacket.TcpHeader h = tcp.getHeader();
        check(d, "srcport", Integer.toString(h.getSrcPort().valueAsInt()), Integer.toString(s.srcPort()));
        check(d, "dstport", Integer.toString(h.getDstPort().valueAsInt()), Integer.toString(s.dstPort()));
        check(d, "seq", Long.toString(h.getSequenceNumberAsLong()), Long.toString(s.seqUnsigned()));
        check(d, "ack", Long.toString(h.getAcknowledgmentNumberAsLong()), Long.toString(s.ackUnsigned()));
        int flags = (h.getUrg() ? TcpSegment.URG : 0) | (h.getAck() ? TcpSegment.ACK : 0)
                | (h.getPsh() ? TcpSegment.PSH : 0) | (h.getRst() ? TcpSegment.RST : 0)
                | (h.getSyn() ? TcpSegment.SYN : 0) | (h.getFin() ? TcpSegment.FIN : 0);
        // pcap4j 1.8 keeps AE/CWR/ECE inside its 6-bit "reserved" field (RFC 793 layout: the low
        // 4 bits of byte 12, then the top 2 bits of byte 13), so ECE is its bit 0, CWR bit 1, AE bit 2
        int reserved = h.getReserved() & 0x3F;
        flags |= (reserved & 0x01) != 0 ? TcpSegment.ECE : 0;
        flags |= (reserved & 0x02) != 0 ? TcpSegment.CWR : 0;
        flags |= (reserved & 0x04) != 0 ? TcpSegment.AE : 0;
        check(d, "flags", Integer.toHexString(flags), Integer.toHexString(s.flags()));
        check(d, "window", Integer.toString(h.getWindowAsInt()), Integer.toString(s.window()));
        check(d, "hdrlen", Integer.toString(h.getDataOffsetAsInt() * 4), Integer.toString(s.tcpHeaderLength()));
        if (ipPayload >= 0 && !s.ipLengthAssumed()) {
            check(d, "payload", Integer.toString(ipPayload - h.getDataOffsetAsInt() * 4),
                    Integer.toString(s.payloadLength()));
        }
        return d.length() == 0 ? null : d.toString();
    }

    private static void check(StringBuilder d, String what, String theirs, String ours) {
        if (!theirs.equals(ours)) {
            d.append(what).append(" pcap4j=").append(theirs).append(" ours=").append(ours).append("; ");
        }
    }

    private static String canonical(InetAddress a) {
        byte[] b = a.getAddress();
        long hi = 0;
        long lo = 0;
        if (b.length == 4) {
            lo = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
            return PacketDecoder.formatAddress(4, 0, lo);
        }
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (b[i] & 0xFF);
            lo = lo << 8 | (b[8 + i] & 0xFF);
        }
        return PacketDecoder.formatAddress(6, hi, lo);
    }
}
