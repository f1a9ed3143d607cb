package io.tcplens.analyzer.decode;

/**
 * The decoded view of one TCP segment: filled in place by {@link PacketDecoder} for every frame and
 * reused for the next one, so decoding allocates nothing. Values are only valid until the next
 * decode. Addresses are kept as two longs each (IPv4: {@code hi = 0}, {@code lo} = the 32-bit
 * address), which lets the session table hash and compare them without objects.
 */
public final class TcpSegment {

    // RFC 9293 §3.1 control bits, plus AE (RFC 9768 Accurate ECN, formerly NS) in bit 8.
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;
    public static final int AE = 0x100;

    /** Option values that were not present. */
    public static final int ABSENT = -1;

    public static final int MAX_SACK_BLOCKS = 4;

    // ---- IP layer
    int ipVersion;
    long srcHi, srcLo, dstHi, dstLo;
    int ipOffset;          // first byte of the IP header in the frame buffer
    int ipTtl;             // IPv4 TTL / IPv6 hop limit
    int ipId;              // IPv4 identification / IPv6 fragment header identification (0 without one)
    boolean moreFragments; // IPv4 MF / IPv6 fragment header M flag
    int fragmentOffset;    // fragment offset in bytes
    boolean ipLengthAssumed; // IP length field was 0 (TSO): length taken from the frame
    boolean jumbogram;     // IPv6 Jumbo Payload option (RFC 2675) gave the length
    int tunnelDepth;       // IP/Ethernet layers decapsulated above the innermost one (0: none)

    // ---- link layer
    int vlanId;            // outermost 802.1Q/802.1ad VLAN id, ABSENT when untagged
    int innerVlanId;       // second VLAN tag's id, ABSENT when fewer than two tags
    int vlanCount;         // number of VLAN tags

    // ---- TCP header (RFC 9293 §3.1)
    int tcpOffset;         // first byte of the TCP header in the frame buffer
    int srcPort, dstPort;
    int seq, ack;          // raw 32-bit values; use the unsigned getters
    int flags;
    int reservedBits;      // the 3 reserved header bits above AE (normally 0)
    int window;            // raw 16-bit window field, not scaled
    int tcpHeaderLength;   // data offset * 4
    int payloadLength;     // from the IP length: IP payload length - TCP header length
    int capturedPayloadLength; // payload bytes actually present in the capture (snaplen cut)
    int urgentPointer;
    int checksum;

    // ---- TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018); ABSENT when not present
    int mss;
    int windowScale;
    boolean sackPermitted;
    boolean hasTimestamps;
    int tsVal, tsEcr;
    int sackBlockCount;
    final int[] sackLeft = new int[MAX_SACK_BLOCKS];
    final int[] sackRight = new int[MAX_SACK_BLOCKS];
    /** true when the options could not be fully parsed (cut by the snaplen or malformed) */
    boolean optionsTruncated;
    /** true when an option has an impossible length (below 2, or running past the TCP header) */
    boolean optionsMalformed;

    void clear() {
        checksumStatus = CHECKSUM_UNKNOWN;
        droppedFragments = 0;
        ipVersion = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        ipOffset = tcpOffset = 0;
        ipTtl = 0;
        ipId = 0;
        moreFragments = false;
        fragmentOffset = 0;
        ipLengthAssumed = false;
        jumbogram = false;
        tunnelDepth = 0;
        vlanId = ABSENT;
        innerVlanId = ABSENT;
        vlanCount = 0;
        reservedBits = 0;
        srcPort = dstPort = 0;
        seq = ack = 0;
        flags = 0;
        window = 0;
        tcpHeaderLength = payloadLength = capturedPayloadLength = 0;
        urgentPointer = checksum = 0;
        mss = ABSENT;
        windowScale = ABSENT;
        sackPermitted = false;
        hasTimestamps = false;
        tsVal = tsEcr = 0;
        sackBlockCount = 0;
        optionsTruncated = false;
        optionsMalformed = false;
    }

    public int ipVersion() { return ipVersion; }
    public long srcHi() { return srcHi; }
    public long srcLo() { return srcLo; }
    public long dstHi() { return dstHi; }
    public long dstLo() { return dstLo; }
    public int ipOffset() { return ipOffset; }
    public int ipTtl() { return ipTtl; }
    public int ipId() { return ipId; }
    public boolean moreFragments() { return moreFragments; }
    public int fragmentOffset() { return fragmentOffset; }
    /** true when the IP length field was 0 (TSO capture) or longer than the frame on the wire, so the length was taken from the frame */
    public boolean ipLengthAssumed() { return ipLengthAssumed; }
    public boolean jumbogram() { return jumbogram; }
    /** number of encapsulations (IP-in-IP, GRE, VXLAN, FabricPath, GRE/TEB) decoded to reach this segment */
    public int tunnelDepth() { return tunnelDepth; }
    /** outermost VLAN id, or {@link #ABSENT} */
    public int vlanId() { return vlanId; }
    /** second VLAN id (QinQ inner tag), or {@link #ABSENT} */
    public int innerVlanId() { return innerVlanId; }
    public int vlanCount() { return vlanCount; }
    /** the three reserved TCP header bits (RFC 9293 §3.1 "Rsrvd"), as a 3-bit value */
    public int reservedBits() { return reservedBits; }
    /** flags as Wireshark shows tcp.flags: reserved bits, AE and the 8 control bits (12 bits) */
    public int flagsWithReserved() { return reservedBits << 9 | flags; }

    public int tcpOffset() { return tcpOffset; }
    public int srcPort() { return srcPort; }
    public int dstPort() { return dstPort; }
    /** sequence number, raw 32 bits (compare with {@code SeqNum}, modulo 2^32) */
    public int seq() { return seq; }
    /** acknowledgment number, raw 32 bits */
    public int ack() { return ack; }
    public long seqUnsigned() { return seq & 0xFFFF_FFFFL; }
    public long ackUnsigned() { return ack & 0xFFFF_FFFFL; }
    public int flags() { return flags; }
    public boolean has(int flag) { return (flags & flag) != 0; }
    public boolean syn() { return (flags & SYN) != 0; }
    public boolean ackFlag() { return (flags & ACK) != 0; }
    public boolean fin() { return (flags & FIN) != 0; }
    public boolean rst() { return (flags & RST) != 0; }
    public int window() { return window; }
    public int tcpHeaderLength() { return tcpHeaderLength; }
    public int payloadLength() { return payloadLength; }
    public int capturedPayloadLength() { return capturedPayloadLength; }
    public int urgentPointer() { return urgentPointer; }
    public int checksum() { return checksum; }

    public int mss() { return mss; }
    public int windowScale() { return windowScale; }
    public boolean sackPermitted() { return sackPermitted; }
    public boolean hasTimestamps() { return hasTimestamps; }
    public int tsVal() { return tsVal; }
    public int tsEcr() { return tsEcr; }
    public int sackBlockCount() { return sackBlockCount; }
    public int sackLeft(int i) { return sackLeft[i]; }
    public int sackRight(int i) { return sackRight[i]; }
    public boolean optionsTruncated() { return optionsTruncated; }
    public boolean optionsMalformed() { return optionsMalformed; }

    /**
     * A segment no TCP stack sends on purpose: SYN with FIN or RST, no control bit at all (the
     * "null" probe), or FIN, SYN, RST, PSH, ACK and URG all set ("Christmas tree"), or options
     * with impossible lengths. Still a TCP segment of its session; counted, never fatal.
     */
    public boolean nonsense() {
        int f = flags & 0x3F;
        return ((f & SYN) != 0 && (f & (FIN | RST)) != 0) || f == 0 || f == 0x3F || optionsMalformed;
    }

    /** Length of the segment in sequence space: payload, plus one each for SYN and FIN (RFC 9293 §3.4). */
    public int segmentLength() {
        return payloadLength + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
    }

    // ---- TCP checksum, when the caller verifies it (see TcpChecksum); the decoder leaves it unknown
    public static final int CHECKSUM_UNKNOWN = 0;
    public static final int CHECKSUM_GOOD = 1;
    public static final int CHECKSUM_BAD = 2;
    int checksumStatus;

    public int checksumStatus() { return checksumStatus; }

    /** Set by whoever verified the checksum ({@link TcpChecksum}). */
    public void checksumStatus(int status) { checksumStatus = status; }

    /**
     * Nonzero when this is not a segment to apply but a notice: an IPv4 datagram carrying this
     * 4-tuple's segment was given up by the {@link Ipv4Reassembler} with that many fragments, and
     * the view holds its first fragment's headers (for the 4-tuple only).
     */
    int droppedFragments;

    public int droppedFragments() { return droppedFragments; }

    /** makes this view a notice of a datagram given up with {@code fragments} fragments */
    public void droppedFragments(int fragments) { droppedFragments = fragments; }
}
