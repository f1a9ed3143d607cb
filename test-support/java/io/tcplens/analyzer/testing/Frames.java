package io.tcplens.analyzer.testing;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Builds real frame bytes for tests, so analyzer tests read like a packet trace:
 * <pre>
 *   byte[] syn = Frames.tcp("10.0.0.1", 40000, "10.0.0.2", 80).syn().seq(1000).mss(1460).build();
 * </pre>
 * Produces Ethernet II (default), Linux SLL, or raw IP frames around an IPv4 or IPv6 packet with
 * a TCP header (options encoded per RFC 9293 §3.2 / RFC 7323 / RFC 2018), correct lengths, and
 * checksums left zero (tcplens does not verify them by default).
 */
public final class Frames {

    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20,
            ECE = 0x40, CWR = 0x80;

    public enum Link { ETHERNET, RAW, LINUX_SLL }

    private final byte[] src;
    private final byte[] dst;
    private final int srcPort;
    private final int dstPort;
    private long seq;
    private long ack;
    private int flags;
    private int window = 65535;
    private int payloadLength;
    private int mss = -1;
    private int wscale = -1;
    private boolean sackPerm;
    private long tsVal = -1, tsEcr;
    private long[] sack = new long[0];
    private Link link = Link.ETHERNET;
    private int vlan = -1;
    private int ethPadTo = 60;

    private Frames(String src, int srcPort, String dst, int dstPort) {
        this.src = addr(src);
        this.dst = addr(dst);
        if (this.src.length != this.dst.length) {
            throw new IllegalArgumentException("mixed IPv4/IPv6 addresses");
        }
        this.srcPort = srcPort;
        this.dstPort = dstPort;
    }

    public static Frames tcp(String src, int srcPort, String dst, int dstPort) {
        return new Frames(src, srcPort, dst, dstPort);
    }

    public Frames seq(long v) { seq = v & 0xFFFFFFFFL; return this; }
    public Frames ack(long v) { ack = v & 0xFFFFFFFFL; flags |= ACK; return this; }
    /** sets the acknowledgment number field without the ACK flag */
    public Frames ackField(long v) { ack = v & 0xFFFFFFFFL; return this; }
    public Frames flags(int f) { flags = f; return this; }
    public Frames syn() { flags |= SYN; return this; }
    public Frames fin() { flags |= FIN; return this; }
    public Frames rst() { flags |= RST; return this; }
    public Frames psh() { flags |= PSH; return this; }
    public Frames window(int w) { window = w; return this; }
    public Frames payload(int len) { payloadLength = len; return this; }
    public Frames mss(int v) { mss = v; return this; }
    public Frames windowScale(int v) { wscale = v; return this; }
    public Frames sackPermitted() { sackPerm = true; return this; }
    public Frames timestamps(long val, long ecr) { tsVal = val; tsEcr = ecr; return this; }
    /** SACK blocks as left,right pairs */
    public Frames sack(long... edges) { sack = edges.clone(); return this; }
    public Frames link(Link l) { link = l; return this; }
    public Frames vlan(int id) { vlan = id; return this; }

    public int linkType() {
        return switch (link) {
            case ETHERNET -> 1;
            case RAW -> 101;
            case LINUX_SLL -> 113;
        };
    }

    public byte[] build() {
        byte[] tcp = tcpHeader();
        byte[] ip = src.length == 4 ? ipv4(tcp) : ipv6(tcp);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (link) {
            case ETHERNET -> {
                out.writeBytes(new byte[] {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01});
                if (vlan >= 0) {
                    out.writeBytes(new byte[] {(byte) 0x81, 0x00, (byte) (vlan >> 8), (byte) vlan});
                }
                int type = src.length == 4 ? 0x0800 : 0x86DD;
                out.write(type >> 8);
                out.write(type);
            }
            case LINUX_SLL -> {
                out.writeBytes(new byte[] {0, 0, 0, 1, 0, 6, 0x02, 0, 0, 0, 0, 0x01, 0, 0});
                int type = src.length == 4 ? 0x0800 : 0x86DD;
                out.write(type >> 8);
                out.write(type);
            }
            case RAW -> { }
        }
        out.writeBytes(ip);
        if (link == Link.ETHERNET) {
            while (out.size() < ethPadTo) {
                out.write(0); // Ethernet minimum frame padding: payload length must come from IP
            }
        }
        return out.toByteArray();
    }

    private byte[] tcpHeader() {
        ByteArrayOutputStream opt = new ByteArrayOutputStream();
        if (mss >= 0) {
            opt.writeBytes(new byte[] {2, 4, (byte) (mss >> 8), (byte) mss});
        }
        if (sackPerm) {
            opt.writeBytes(new byte[] {1, 1, 4, 2});
        }
        if (tsVal >= 0) {
            opt.writeBytes(new byte[] {1, 1, 8, 10});
            put32(opt, tsVal);
            put32(opt, tsEcr);
        }
        if (wscale >= 0) {
            opt.writeBytes(new byte[] {1, 3, 3, (byte) wscale});
        }
        if (sack.length > 0) {
            opt.writeBytes(new byte[] {1, 1, 5, (byte) (2 + 4 * sack.length)});
            for (long e : sack) {
                put32(opt, e);
            }
        }
        while (opt.size() % 4 != 0) {
            opt.write(0);
        }
        int hlen = 20 + opt.size();
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        put16(h, srcPort);
        put16(h, dstPort);
        put32(h, seq);
        put32(h, ack);
        h.write(((hlen / 4) << 4) | ((flags >> 8) & 1));
        h.write(flags & 0xFF);
        put16(h, window);
        put16(h, 0); // checksum
        put16(h, 0); // urgent pointer
        h.writeBytes(opt.toByteArray());
        for (int i = 0; i < payloadLength; i++) {
            h.write('a' + i % 26);
        }
        return h.toByteArray();
    }

    private byte[] ipv4(byte[] tcp) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(0x45);
        h.write(0);
        put16(h, 20 + tcp.length);
        put16(h, 0x1234);
        put16(h, 0x4000); // DF
        h.write(64);
        h.write(6);
        put16(h, 0);
        h.writeBytes(src);
        h.writeBytes(dst);
        byte[] b = h.toByteArray();
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        sum = ~sum & 0xFFFF;
        b[10] = (byte) (sum >> 8);
        b[11] = (byte) sum;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(b);
        out.writeBytes(tcp);
        return out.toByteArray();
    }

    private byte[] ipv6(byte[] tcp) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        put32(h, 0x60000000L);
        put16(h, tcp.length);
        h.write(6);
        h.write(64);
        h.writeBytes(src);
        h.writeBytes(dst);
        h.writeBytes(tcp);
        return h.toByteArray();
    }

    private static byte[] addr(String s) {
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private static void put16(ByteArrayOutputStream o, int v) {
        o.write(v >> 8);
        o.write(v);
    }

    private static void put32(ByteArrayOutputStream o, long v) {
        o.write((int) (v >> 24));
        o.write((int) (v >> 16));
        o.write((int) (v >> 8));
        o.write((int) v);
    }
}
