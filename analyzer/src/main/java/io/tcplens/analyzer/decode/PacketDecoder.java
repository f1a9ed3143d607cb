package io.tcplens.analyzer.decode;

/**
 * Decodes a captured frame down to its TCP header, without allocating: link layer, tunnels,
 * IPv4/IPv6, TCP header and options, written into a reused {@link TcpSegment}.
 *
 * <p>Zero allocation per packet: no objects, no boxing, no {@code ByteBuffer}; every read is
 * bounds-checked against {@code offset + capturedLength}, so no input makes it throw: a frame
 * cut short yields {@link DecodeResult#TRUNCATED}, a nonsensical one {@link DecodeResult#MALFORMED}.
 *
 * <p>An instance keeps per-call state in fields: use one decoder per thread.
 *
 * <p>Link types (LINKTYPE_ numbers): 0 NULL, 1 Ethernet, 9 PPP, 10 FDDI, 12/14/101 raw IP,
 * 50 PPP-HDLC, 108 LOOP, 113 Linux SLL, 129 ARCNET (Linux), 228 raw IPv4, 229 raw IPv6,
 * 239 NFLOG, 242 IPoIB, 276 Linux SLL2. Inside: 802.1Q/802.1ad/0x9100 VLAN tags (any depth),
 * 802.3 + LLC/SNAP, MPLS label stacks, PPPoE session, Cisco FabricPath, and the tunnels VXLAN
 * (UDP 4789), GRE (0x0800 / 0x86DD / 0x6558 / any ethertype; PPTP enhanced GRE version 1 carrying
 * PPP), IPv4-in-IP (4) and IPv6-in-IP (41), down to {@link #MAX_TUNNEL_DEPTH} nested layers.
 */
public final class PacketDecoder {

    /** Encapsulations followed below the outermost IP layer / Ethernet frame before giving up (NOT_TCP). */
    public static final int MAX_TUNNEL_DEPTH = 4;

    /**
     * IPv6 extension headers followed before a chain is taken as malformed (a hostile chain of
     * 8-byte headers would otherwise be walked to the end of a 64 kB or jumbo frame). RFC 8200 §4.1
     * recommends at most one of each kind, about 8 in all; RFC 9098 shows real chains are short.
     */
    public static final int MAX_IPV6_EXTENSION_HEADERS = 32;

    public static final int LINKTYPE_NULL = 0;
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int LINKTYPE_PPP = 9;
    public static final int LINKTYPE_FDDI = 10;
    public static final int LINKTYPE_RAW_12 = 12;
    public static final int LINKTYPE_RAW_14 = 14;
    public static final int LINKTYPE_PPP_HDLC = 50;
    public static final int LINKTYPE_RAW = 101;
    public static final int LINKTYPE_LOOP = 108;
    public static final int LINKTYPE_LINUX_SLL = 113;
    public static final int LINKTYPE_ARCNET_LINUX = 129;
    public static final int LINKTYPE_IPV4 = 228;
    public static final int LINKTYPE_IPV6 = 229;
    public static final int LINKTYPE_NFLOG = 239;
    public static final int LINKTYPE_IPOIB = 242;
    public static final int LINKTYPE_LINUX_SLL2 = 276;

    static final int VXLAN_PORT = 4789;

    // ---- per-call state (no allocation: plain fields)
    private byte[] b;
    private int end;          // first byte past the captured frame
    private int wireEnd;      // first byte past the frame as it was on the wire (>= end), or NO_LIMIT
    private int capturedEnd;  // first byte past the captured frame (> end when only its first bytes are present)
    /** an unknown "reported end": IP lengths are then trusted as they are */
    private static final int NO_LIMIT = Integer.MAX_VALUE;
    private TcpSegment seg;

    /**
     * Decodes one frame whose wire length is not known (IP lengths are then trusted as they are, and
     * an IP length of 0 is taken to run to the end of the captured bytes).
     *
     * @param linkType       LINKTYPE_ number of the frame
     * @param data           frame buffer
     * @param offset         first byte of the frame
     * @param capturedLength bytes present
     * @param out            filled when the result is {@link DecodeResult#TCP}
     */
    public DecodeResult decode(int linkType, byte[] data, int offset, int capturedLength, TcpSegment out) {
        return decode(linkType, data, offset, capturedLength, -1, out);
    }

    /**
     * Decodes one frame.
     *
     * @param wireLength the frame's original length (pcap {@code orig_len}), or -1 when unknown. Used
     *                   only where an IP length field cannot be trusted: 0 (TSO, see {@link #ipv4}),
     *                   or larger than what the frame held on the wire - then, like Wireshark, the
     *                   datagram is taken to end with the frame ({@link TcpSegment#ipLengthAssumed()}).
     *                   A snaplen cut never changes a length: only the wire length bounds it.
     */
    public DecodeResult decode(int linkType, byte[] data, int offset, int capturedLength, int wireLength,
                               TcpSegment out) {
        return decode(linkType, data, offset, capturedLength, capturedLength, wireLength, out);
    }

    /** {@code present}: how many of the {@code capturedLength} bytes are in {@code data} (see {@link #decodeHeaders}) */
    private DecodeResult decode(int linkType, byte[] data, int offset, int present, int capturedLength, int wireLength,
                                TcpSegment out) {
        if (out == null) {
            return DecodeResult.MALFORMED;
        }
        out.clear();
        if (data == null || offset < 0 || capturedLength < 0 || offset > data.length) {
            return DecodeResult.MALFORMED;
        }
        this.b = data;
        this.seg = out;
        this.end = (int) Math.min((long) offset + present, data.length);
        this.capturedEnd = present == capturedLength ? end : (int) Math.min((long) offset + capturedLength, NO_LIMIT);
        long we = (long) offset + Math.max(capturedLength, wireLength);
        this.wireEnd = wireLength < 0 ? NO_LIMIT : (int) Math.min(we, NO_LIMIT);
        try {
            return link(linkType, offset);
        } finally {
            this.b = null;
            this.seg = null;
        }
    }

    /**
     * Decodes a frame of which only the first {@code present} bytes are in {@code data} (a reader
     * that copies just the headers out of its buffer). The result is what {@link #decode} gives for
     * the whole frame whenever this returns true; false means "decode the whole frame instead": the
     * headers did not fit, the link type is one whose decoding looks further into the frame, or the
     * segment is an IPv4/IPv6 fragment (reassembly needs the payload). {@code out} is then
     * undefined.
     */
    public boolean decodeHeaders(int linkType, byte[] data, int offset, int present, int capturedLength,
                                 int wireLength, TcpSegment out) {
        if (!HEADER_ONLY_LINKS.get(linkType & 0xFFFF) || present >= capturedLength || present < 0
                || offset < 0 || (long) offset + present > data.length) {
            return false;
        }
        DecodeResult r = decode(linkType, data, offset, present, capturedLength, wireLength, out);
        return r == DecodeResult.TCP && !out.moreFragments && out.fragmentOffset == 0
                && out.tcpOffset + out.tcpHeaderLength <= offset + present;
    }

    /**
     * Link types whose decoding never looks past the TCP header: for these a decode of the first
     * bytes equals a decode of the whole frame (NFLOG, for one, scans TLVs to the end of the frame).
     */
    private static final java.util.BitSet HEADER_ONLY_LINKS = new java.util.BitSet();

    static {
        for (int lt : new int[] {LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW,
                LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_RAW_12, LINKTYPE_RAW_14, LINKTYPE_NULL, LINKTYPE_LOOP}) {
            HEADER_ONLY_LINKS.set(lt);
        }
    }

    // ------------------------------------------------------------------ link layer

    private DecodeResult link(int linkType, int p) {
        switch (linkType) {
            case LINKTYPE_ETHERNET:
                return ethernet(p, 0);
            case LINKTYPE_LINUX_SLL: {
                // 16 bytes: packet type, ARPHRD type, address length, 8 address bytes, protocol
                if (p + 16 > end) {
                    return DecodeResult.TRUNCATED;
                }
                int hatype = u16(p + 2);
                if (hatype == 824) {           // ARPHRD_NETLINK: protocol is a netlink family
                    return DecodeResult.NOT_IP;
                }
                return etherType(u16(p + 14), p + 16, 0);
            }
            case LINKTYPE_LINUX_SLL2: {
                // 20 bytes: protocol, reserved, ifindex, ARPHRD type, packet type, addr len, 8 address bytes
                if (p + 20 > end) {
                    return DecodeResult.TRUNCATED;
                }
                if (u16(p + 8) == 824) {
                    return DecodeResult.NOT_IP;
                }
                return etherType(u16(p), p + 20, 0);
            }
            case LINKTYPE_NULL: {
                // address family in the capturing host's byte order: accept either
                if (p + 4 > end) {
                    return DecodeResult.TRUNCATED;
                }
                int le = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
                int af = (le & 0xFFFF0000) != 0 ? Integer.reverseBytes(le) : le;
                return addressFamily(af, p + 4);
            }
            case LINKTYPE_LOOP:
                if (p + 4 > end) {
                    return DecodeResult.TRUNCATED;
                }
                return addressFamily(s32(p), p + 4);
            case LINKTYPE_RAW:
            case LINKTYPE_RAW_12:
            case LINKTYPE_RAW_14:
                return ipByVersion(p, wireEnd, 0);
            case LINKTYPE_IPV4:
                return ipv4(p, wireEnd, 0);
            case LINKTYPE_IPV6:
                return ipv6(p, wireEnd, 0);
            case LINKTYPE_PPP:
            case LINKTYPE_PPP_HDLC:
                return ppp(p, 0);
            case LINKTYPE_FDDI:
                // frame control (1), destination (6), source (6), then 802.2 LLC
                if (p + 13 > end) {
                    return DecodeResult.TRUNCATED;
                }
                return llc(p + 13, 0);
            case LINKTYPE_ARCNET_LINUX:
                return arcnetLinux(p);
            case LINKTYPE_IPOIB:
                // 40 bytes of link-layer addresses (20-byte destination and source IPoIB hardware
                // addresses), then the RFC 4391 encapsulation header: ethertype (2) + reserved (2);
                // 44 bytes in all, as tcpdump's print-ipoib.c reads it
                if (p + 44 > end) {
                    return DecodeResult.TRUNCATED;
                }
                return etherType(u16(p + 40), p + 44, 0);
            case LINKTYPE_NFLOG:
                return nflog(p);
            default:
                return DecodeResult.UNSUPPORTED_LINK_TYPE;
        }
    }

    private DecodeResult addressFamily(int af, int p) {
        switch (af) {
            case 2:
                return ipv4(p, wireEnd, 0);
            case 24:
            case 28:
            case 30:
                return ipv6(p, wireEnd, 0);
            default:
                return DecodeResult.NOT_IP;
        }
    }

    /**
     * ARCNET as captured by Linux (LINKTYPE_ARCNET_LINUX): source (1), destination (1), offset (2),
     * protocol type (1); the RFC 1201 types add split flag (1) and sequence number (2) - 8 bytes -
     * while the old types (IP 240, ARP 241, diagnose 128) have the 5-byte header only.
     * A split flag that is even and nonzero marks a continuation fragment (RFC 1201 §3).
     */
    private DecodeResult arcnetLinux(int p) {
        if (p + 5 > end) {
            return DecodeResult.TRUNCATED;
        }
        int type = b[p + 4] & 0xFF;
        switch (type) {
            case 0xF0: // ARCTYPE_IP_OLD
                return ipv4(p + 5, wireEnd, 0);
            case 0xF1: // ARCTYPE_ARP_OLD
            case 0x80: // ARCTYPE_DIAGNOSE
                return DecodeResult.NOT_IP;
            default:
                break;
        }
        if (p + 8 > end) {
            return DecodeResult.TRUNCATED;
        }
        int split = b[p + 5] & 0xFF;
        boolean continuation = split != 0 && (split & 1) == 0;
        switch (type) {
            case 0xD4: // ARCTYPE_IP (RFC 1201)
                return continuation ? DecodeResult.FRAGMENT : ipv4(p + 8, wireEnd, 0);
            case 0xC4: // ARCTYPE_INET6
                return continuation ? DecodeResult.FRAGMENT : ipv6(p + 8, wireEnd, 0);
            default:
                return DecodeResult.NOT_IP;
        }
    }

    /**
     * Linux NFLOG: family (1), version (1), resource id (2, big-endian), then TLVs whose length and
     * type are in the capturing host's byte order (length includes the 4-byte TLV header; TLVs are
     * padded to 4 bytes). TLV type 9 (NFULA_PAYLOAD) holds the IP packet.
     */
    private DecodeResult nflog(int p) {
        if (p + 4 > end) {
            return DecodeResult.TRUNCATED;
        }
        int family = b[p] & 0xFF;
        int q = p + 4;
        while (q + 4 <= end) {
            int lenLe = (b[q] & 0xFF) | (b[q + 1] & 0xFF) << 8;
            int lenBe = u16(q);
            boolean le = lenLe >= 4 && q + lenLe <= end || !(lenBe >= 4 && q + lenBe <= end) && lenLe >= 4;
            int len = le ? lenLe : lenBe;
            int type = le ? ((b[q + 2] & 0xFF) | (b[q + 3] & 0xFF) << 8) : u16(q + 2);
            if (len < 4) {
                return DecodeResult.MALFORMED;
            }
            type &= 0x7FFF; // NLA_F_NESTED / byte order flags
            if (type == 9) {
                int ipStart = q + 4;
                int ipEnd = (int) Math.min((long) q + len, Integer.MAX_VALUE);
                if (family == 2) {
                    return ipv4(ipStart, ipEnd, 0);
                } else if (family == 10) {
                    return ipv6(ipStart, ipEnd, 0);
                }
                return ipByVersion(ipStart, ipEnd, 0);
            }
            long next = (long) q + ((len + 3L) & ~3L);
            if (next > end) {
                return DecodeResult.TRUNCATED;
            }
            q = (int) next;
        }
        return DecodeResult.TRUNCATED;
    }

    /** PPP (RFC 1661) with the optional HDLC-like address/control FF 03 (RFC 1662) and protocol field compression. */
    private DecodeResult ppp(int p, int depth) {
        if (p + 2 <= end && (b[p] & 0xFF) == 0xFF && (b[p + 1] & 0xFF) == 0x03) {
            p += 2;
        }
        if (p + 1 > end) {
            return DecodeResult.TRUNCATED;
        }
        int proto;
        if ((b[p] & 1) != 0) {       // compressed one-byte protocol field
            proto = b[p] & 0xFF;
            p += 1;
        } else {
            if (p + 2 > end) {
                return DecodeResult.TRUNCATED;
            }
            proto = u16(p);
            p += 2;
        }
        return pppProtocol(proto, p, wireEnd, depth);
    }

    private DecodeResult pppProtocol(int proto, int p, int reportedEnd, int depth) {
        switch (proto) {
            case 0x0021:
                return ipv4(p, reportedEnd, depth);
            case 0x0057:
                return ipv6(p, reportedEnd, depth);
            case 0x0281:
            case 0x0283:
                return mpls(p, depth);
            default:
                return DecodeResult.NOT_IP;
        }
    }

    /** An Ethernet II / 802.3 frame at p. */
    private DecodeResult ethernet(int p, int depth) {
        if (depth > MAX_TUNNEL_DEPTH) {
            return DecodeResult.NOT_TCP;
        }
        if (depth > seg.tunnelDepth) {
            seg.tunnelDepth = depth;      // FabricPath / GRE-TEB / VXLAN inner frame
        }
        if (p + 14 > end) {
            return DecodeResult.TRUNCATED;
        }
        return etherType(u16(p + 12), p + 14, depth);
    }

    /** 802.2 LLC at p: only SNAP (AA AA 03, OUI, ethertype) can carry IP here. */
    private DecodeResult llc(int p, int depth) {
        if (p + 3 > end) {
            return DecodeResult.TRUNCATED;
        }
        if ((b[p] & 0xFF) == 0xAA && (b[p + 1] & 0xFF) == 0xAA && (b[p + 2] & 0xFF) == 0x03) {
            if (p + 8 > end) {
                return DecodeResult.TRUNCATED;
            }
            int type = u16(p + 6);
            if (type <= 1500) {
                return DecodeResult.NOT_IP;
            }
            return etherType(type, p + 8, depth);
        }
        return DecodeResult.NOT_IP;
    }

    /** Dispatches on an ethertype whose payload starts at p. */
    private DecodeResult etherType(int type, int p, int depth) {
        // each pass consumes at least 4 bytes, so the loop ends
        while (true) {
            switch (type) {
                case 0x0800:
                    return ipv4(p, wireEnd, depth);
                case 0x86DD:
                    return ipv6(p, wireEnd, depth);
                case 0x8100:
                case 0x88A8:
                case 0x9100:
                case 0x9200: {
                    if (p + 4 > end) {
                        return DecodeResult.TRUNCATED;
                    }
                    int vid = u16(p) & 0x0FFF;
                    if (seg.vlanCount == 0) {
                        seg.vlanId = vid;
                    } else if (seg.vlanCount == 1) {
                        seg.innerVlanId = vid;
                    }
                    seg.vlanCount++;
                    type = u16(p + 2);
                    p += 4;
                    break;
                }
                case 0x8847:
                case 0x8848:
                    return mpls(p, depth);
                case 0x8864: {
                    // PPPoE session stage (RFC 2516): ver/type, code, session id, length, then PPP protocol
                    if (p + 8 > end) {
                        return DecodeResult.TRUNCATED;
                    }
                    // the PPPoE length (PPP protocol + payload) bounds the IP packet like a wire length
                    int pppoeEnd = (int) Math.min((long) p + 6 + u16(p + 4), wireEnd);
                    return pppProtocol(u16(p + 6), p + 8, pppoeEnd, depth);
                }
                case 0x8903:
                    // Cisco FabricPath: outer DA, SA, 0x8903, FTag/TTL (16 bytes), then a whole Ethernet frame
                    return ethernet(p + 2, depth + 1);
                case 0x6558:
                    return ethernet(p, depth + 1);
                default:
                    if (type <= 1500) {
                        return llc(p, depth);   // IEEE 802.3 length field
                    }
                    return DecodeResult.NOT_IP;
            }
        }
    }

    /** MPLS label stack (RFC 3032): 4-byte entries until bottom-of-stack; payload by first nibble. */
    private DecodeResult mpls(int p, int depth) {
        while (true) {
            if (p + 4 > end) {
                return DecodeResult.TRUNCATED;
            }
            boolean bottom = (b[p + 2] & 0x01) != 0;
            p += 4;
            if (bottom) {
                break;
            }
        }
        if (p + 1 > end) {
            return DecodeResult.TRUNCATED;
        }
        switch ((b[p] & 0xF0) >> 4) {
            case 4:
                return ipv4(p, wireEnd, depth);
            case 6:
                return ipv6(p, wireEnd, depth);
            default:
                return DecodeResult.NOT_IP;
        }
    }

    // ------------------------------------------------------------------ IP

    private DecodeResult ipByVersion(int p, int reportedEnd, int depth) {
        if (p + 1 > end) {
            return DecodeResult.TRUNCATED;
        }
        switch ((b[p] & 0xF0) >> 4) {
            case 4:
                return ipv4(p, reportedEnd, depth);
            case 6:
                return ipv6(p, reportedEnd, depth);
            default:
                return DecodeResult.NOT_IP;
        }
    }

    /**
     * IPv4 (RFC 791) at p. {@code reportedEnd} is where the enclosing layer ends on the wire.
     *
     * <p>Total length 0: like Wireshark ("ip.len 0 (assumed TSO)", preference ip.tso_support, on by
     * default), a capture taken on a host doing TCP segmentation offload shows the super-segment with
     * total length 0, so the datagram is taken to run to the end of the frame as reported on the wire
     * (Wireshark uses the reported, not the captured, length so a snaplen cut does not change it; with
     * the 5-argument {@code decode} the wire length is the captured length).
     */
    private DecodeResult ipv4(int p, int reportedEnd, int depth) {
        if (p + 20 > end) {
            return DecodeResult.TRUNCATED;
        }
        int v = b[p] & 0xFF;
        if ((v >> 4) != 4) {
            return DecodeResult.MALFORMED;
        }
        int hlen = (v & 0x0F) * 4;
        if (hlen < 20) {
            return DecodeResult.MALFORMED;
        }
        int total = u16(p + 2);
        if (total == 0) {
            total = Math.max(0, (reportedEnd == NO_LIMIT ? capturedEnd : reportedEnd) - p);   // TSO: see above
            seg.ipLengthAssumed = true;
        }
        if (total < hlen) {
            return DecodeResult.MALFORMED;
        }
        if (total > reportedEnd - p && reportedEnd - p >= hlen) {
            // longer than the frame on the wire: bogus; Wireshark flags "IPv4 total length exceeds
            // packet length" and dissects what the frame holds - so do we
            total = reportedEnd - p;
            seg.ipLengthAssumed = true;
        }
        TcpSegment s = seg;
        s.ipVersion = 4;
        s.ipOffset = p;
        s.ipTtl = b[p + 8] & 0xFF;
        s.ipId = u16(p + 4);
        int frag = u16(p + 6);
        s.moreFragments = (frag & 0x2000) != 0;
        s.fragmentOffset = (frag & 0x1FFF) * 8;
        s.srcHi = 0;
        s.srcLo = s32(p + 12) & 0xFFFF_FFFFL;
        s.dstHi = 0;
        s.dstLo = s32(p + 16) & 0xFFFF_FFFFL;
        if (p + hlen > end) {
            return DecodeResult.TRUNCATED;
        }
        if ((frag & 0x1FFF) != 0) {
            return DecodeResult.FRAGMENT;
        }
        int proto = b[p + 9] & 0xFF;
        return transport(proto, p + hlen, total - hlen, depth);
    }

    /**
     * IPv6 (RFC 8200) at p: walks the extension header chain. A jumbogram (payload length 0 and a
     * hop-by-hop Jumbo Payload option, RFC 2675) uses the jumbo length; payload length 0 without one
     * is treated like IPv4 total length 0 (TSO / BIG TCP: runs to the end of the frame on the wire).
     */
    private DecodeResult ipv6(int p, int reportedEnd, int depth) {
        if (p + 40 > end) {
            return DecodeResult.TRUNCATED;
        }
        if (((b[p] & 0xF0) >> 4) != 6) {
            return DecodeResult.MALFORMED;
        }
        TcpSegment s = seg;
        s.ipVersion = 6;
        s.ipOffset = p;
        s.ipTtl = b[p + 7] & 0xFF;
        s.ipId = 0;
        s.moreFragments = false;
        s.fragmentOffset = 0;
        s.srcHi = s64(p + 8);
        s.srcLo = s64(p + 16);
        s.dstHi = s64(p + 24);
        s.dstLo = s64(p + 32);
        long payload = u16(p + 4);
        int next = b[p + 6] & 0xFF;
        int q = p + 40;
        boolean zeroLength = payload == 0;
        if (zeroLength && next == 0) {
            long jumbo = jumboLength(q);
            if (jumbo >= 0) {
                payload = jumbo;
                s.jumbogram = true;
                zeroLength = false;
            }
        }
        if (zeroLength && next != 59) {
            payload = Math.max(0, (reportedEnd == NO_LIMIT ? capturedEnd : reportedEnd) - q);
            s.ipLengthAssumed = true;
        }
        if (payload > reportedEnd - q && reportedEnd >= q) {
            payload = reportedEnd - q;      // longer than the frame on the wire (see ipv4)
            s.ipLengthAssumed = true;
        }
        long payloadEnd = q + payload;
        for (int hops = 0; ; hops++) {
            if (hops > MAX_IPV6_EXTENSION_HEADERS) {
                return DecodeResult.MALFORMED;
            }
            switch (next) {
                case 0:    // hop-by-hop options
                case 43:   // routing
                case 60:   // destination options
                case 135:  // mobility
                case 139:  // HIP
                case 140:  // shim6
                case 253:  // experimentation
                case 254: {
                    if (q + 2 > end) {
                        return DecodeResult.TRUNCATED;
                    }
                    int len = ((b[q + 1] & 0xFF) + 1) * 8;
                    if (q + len > payloadEnd) {
                        return DecodeResult.MALFORMED;
                    }
                    next = b[q] & 0xFF;
                    q += len;
                    break;
                }
                case 51: { // AH (RFC 4302): length in 4-octet units minus 2
                    if (q + 2 > end) {
                        return DecodeResult.TRUNCATED;
                    }
                    int len = ((b[q + 1] & 0xFF) + 2) * 4;
                    if (q + len > payloadEnd) {
                        return DecodeResult.MALFORMED;
                    }
                    next = b[q] & 0xFF;
                    q += len;
                    break;
                }
                case 44: { // fragment
                    if (q + 8 > end) {
                        return DecodeResult.TRUNCATED;
                    }
                    if (q + 8 > payloadEnd) {
                        return DecodeResult.MALFORMED;
                    }
                    int off = u16(q + 2);
                    s.fragmentOffset = off & 0xFFF8;
                    s.moreFragments = (off & 1) != 0;
                    s.ipId = s32(q + 4);
                    if ((off & 0xFFF8) != 0) {
                        return DecodeResult.FRAGMENT;
                    }
                    next = b[q] & 0xFF;   // first or atomic fragment: go on
                    q += 8;
                    break;
                }
                case 50:   // ESP: encrypted from here
                case 59:   // no next header
                    return DecodeResult.NOT_TCP;
                default:
                    return transport(next, q, (int) Math.min(payloadEnd - q, Integer.MAX_VALUE), depth);
            }
            if (q > end) {
                return DecodeResult.TRUNCATED;
            }
        }
    }

    /** Jumbo Payload option (RFC 2675) in the hop-by-hop header at q, or -1. */
    private long jumboLength(int q) {
        if (q + 2 > end) {
            return -1;
        }
        int hend = q + ((b[q + 1] & 0xFF) + 1) * 8;
        int o = q + 2;
        while (o < hend && o < end) {
            int type = b[o] & 0xFF;
            if (type == 0) {          // Pad1
                o++;
                continue;
            }
            if (o + 2 > end) {
                return -1;
            }
            int len = b[o + 1] & 0xFF;
            if (type == 0xC2 && len == 4 && o + 6 <= end) {
                return s32(o + 2) & 0xFFFF_FFFFL;
            }
            o += 2 + len;
        }
        return -1;
    }

    /** The IP payload of protocol {@code proto} at p, {@code length} bytes long per the IP header. */
    private DecodeResult transport(int proto, int p, int length, int depth) {
        switch (proto) {
            case 6:
                return tcp(p, length);
            case 4:
                return tunnel(depth) ? ipv4(p, p + length, depth + 1) : DecodeResult.NOT_TCP;
            case 41:
                return tunnel(depth) ? ipv6(p, p + length, depth + 1) : DecodeResult.NOT_TCP;
            case 47:
                return tunnel(depth) ? gre(p, p + length, depth + 1) : DecodeResult.NOT_TCP;
            case 17: {
                if (p + 8 > end) {
                    return DecodeResult.NOT_TCP;
                }
                if (u16(p + 2) == VXLAN_PORT && tunnel(depth)) {
                    // UDP (8) + VXLAN (RFC 7348: flags, reserved, VNI, reserved = 8) + inner Ethernet
                    return ethernet(p + 16, depth + 1);
                }
                return DecodeResult.NOT_TCP;
            }
            default:
                return DecodeResult.NOT_TCP;
        }
    }

    private boolean tunnel(int depth) {
        if (depth >= MAX_TUNNEL_DEPTH) {
            return false;
        }
        seg.tunnelDepth = depth + 1;
        return true;
    }

    /**
     * GRE (RFC 2784 / RFC 2890, and RFC 1701's routing bit); version 1 is PPTP's enhanced GRE
     * (RFC 2637) which carries PPP.
     */
    private DecodeResult gre(int p, int reportedEnd, int depth) {
        if (p + 4 > end) {
            return DecodeResult.TRUNCATED;
        }
        int fl = u16(p);
        int proto = u16(p + 2);
        int version = fl & 0x7;
        int q = p + 4;
        if (version == 0) {
            if ((fl & 0x4000) != 0) {          // routing present (RFC 1701): source route entries follow
                return DecodeResult.NOT_TCP;
            }
            if ((fl & 0x8000) != 0) {          // checksum + reserved
                q += 4;
            }
            if ((fl & 0x2000) != 0) {          // key
                q += 4;
            }
            if ((fl & 0x1000) != 0) {          // sequence number
                q += 4;
            }
            if (q > end) {
                return DecodeResult.TRUNCATED;
            }
            if (proto == 0x6558) {
                return ethernet(q, depth);
            }
            if (proto == 0x0800) {
                return ipv4(q, reportedEnd, depth);
            }
            if (proto == 0x86DD) {
                return ipv6(q, reportedEnd, depth);
            }
            if (proto <= 1500) {
                return DecodeResult.NOT_IP;
            }
            return etherType(proto, q, depth);
        } else if (version == 1 && proto == 0x880B) {
            q += 4;                            // payload length + call id
            if ((fl & 0x1000) != 0) {
                q += 4;
            }
            if ((fl & 0x0080) != 0) {          // acknowledgment number
                q += 4;
            }
            if (q > end) {
                return DecodeResult.TRUNCATED;
            }
            return ppp(q, depth);
        }
        return DecodeResult.NOT_IP;
    }

    // ------------------------------------------------------------------ TCP

    /** TCP header (RFC 9293 §3.1) at p; {@code ipPayload} = bytes of IP payload per the IP header. */
    private DecodeResult tcp(int p, int ipPayload) {
        TcpSegment s = seg;
        if (ipPayload < 20 && s.moreFragments) {
            return DecodeResult.FRAGMENT;
        }
        if (p + 20 > end) {
            // ports are still useful to a caller looking at a TRUNCATED frame
            if (p + 4 <= end) {
                s.srcPort = u16(p);
                s.dstPort = u16(p + 2);
            }
            return DecodeResult.TRUNCATED;
        }
        s.tcpOffset = p;
        s.srcPort = u16(p);
        s.dstPort = u16(p + 2);
        s.seq = s32(p + 4);
        s.ack = s32(p + 8);
        int b12 = b[p + 12] & 0xFF;
        int hlen = (b12 >> 4) * 4;
        s.flags = ((b12 & 0x01) << 8) | (b[p + 13] & 0xFF);
        s.reservedBits = (b12 >> 1) & 0x07;
        s.window = u16(p + 14);
        s.checksum = u16(p + 16);
        s.urgentPointer = u16(p + 18);
        s.tcpHeaderLength = hlen;
        if (hlen < 20) {
            return DecodeResult.MALFORMED;
        }
        if (hlen > ipPayload) {
            // a first fragment (MF set) may end inside the TCP header: nothing to decode without
            // reassembly; otherwise the header claims more than the IP packet holds
            return s.moreFragments ? DecodeResult.FRAGMENT : DecodeResult.MALFORMED;
        }
        s.payloadLength = ipPayload - hlen;
        int dataStart = p + hlen;
        long dataEnd = Math.min((long) dataStart + s.payloadLength, capturedEnd);
        s.capturedPayloadLength = (int) Math.max(0, dataEnd - dataStart);
        options(p + 20, dataStart);
        return DecodeResult.TCP;
    }

    /** TCP options in [p, hend) (RFC 9293 §3.2, RFC 7323, RFC 2018). */
    private void options(int p, int hend) {
        TcpSegment s = seg;
        int lim = Math.min(hend, end);
        if (lim < hend) {
            s.optionsTruncated = true;   // cut by the snaplen
        }
        int o = p;
        while (o < lim) {
            int kind = b[o] & 0xFF;
            if (kind == 0) {             // EOL
                return;
            }
            if (kind == 1) {             // NOP
                o++;
                continue;
            }
            if (o + 2 > lim) {
                s.optionsTruncated = true;
                s.optionsMalformed = o + 2 > hend;   // no room for the length byte inside the header
                return;
            }
            int len = b[o + 1] & 0xFF;
            if (len < 2 || o + len > lim) {
                s.optionsTruncated = true;   // bad length, or cut
                s.optionsMalformed = len < 2 || o + len > hend;   // runs past the header: nonsense, not a snaplen cut
                return;
            }
            switch (kind) {
                case 2:
                    if (len == 4) {
                        s.mss = u16(o + 2);
                    }
                    break;
                case 3:
                    if (len == 3) {
                        s.windowScale = b[o + 2] & 0xFF;
                    }
                    break;
                case 4:
                    if (len == 2) {
                        s.sackPermitted = true;
                    }
                    break;
                case 5: {
                    int n = Math.min((len - 2) / 8, TcpSegment.MAX_SACK_BLOCKS);
                    for (int i = 0; i < n; i++) {
                        s.sackLeft[i] = s32(o + 2 + 8 * i);
                        s.sackRight[i] = s32(o + 6 + 8 * i);
                    }
                    s.sackBlockCount = n;
                    break;
                }
                case 8:
                    if (len == 10) {
                        s.hasTimestamps = true;
                        s.tsVal = s32(o + 2);
                        s.tsEcr = s32(o + 6);
                    }
                    break;
                default:
                    break;
            }
            o += len;
        }
    }

    // ------------------------------------------------------------------ byte access (callers check bounds)

    private int u16(int p) {
        return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
    }

    private int s32(int p) {
        return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
    }

    private long s64(int p) {
        return (long) s32(p) << 32 | (s32(p + 4) & 0xFFFF_FFFFL);
    }

    // ------------------------------------------------------------------ output

    /**
     * Canonical text of an address as kept in {@link TcpSegment}: IPv4 dotted quad ({@code lo} holds
     * the 32 bits), IPv6 per RFC 5952 (lowercase, leading zeros dropped, the longest run of two or
     * more zero groups compressed to "::", the leftmost on a tie, IPv4-mapped as ::ffff:a.b.c.d).
     * Allocates: meant for output, not for the per-packet path.
     */
    public static String formatAddress(int ipVersion, long hi, long lo) {
        if (ipVersion == 4) {
            return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            g[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        if (hi == 0 && (lo >>> 32) == 0xFFFFL) {   // IPv4-mapped (RFC 5952 §5)
            return "::ffff:" + formatAddress(4, 0, lo & 0xFFFF_FFFFL);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
