package io.tcplens.analyzer.decode;

/** What {@link PacketDecoder#decode} found in a frame. Only {@link #TCP} fills the segment. */
public enum DecodeResult {
    /** a TCP segment; the {@link TcpSegment} is filled */
    TCP,
    /** an IP packet carrying another protocol (UDP, ICMP, ...) */
    NOT_TCP,
    /** not IP at all (ARP, LLDP, ...) */
    NOT_IP,
    /** a non-first IPv4/IPv6 fragment: it carries no TCP header */
    FRAGMENT,
    /** the link type is not one tcplens decodes */
    UNSUPPORTED_LINK_TYPE,
    /** headers cut short by the snaplen before the end of the fixed TCP header */
    TRUNCATED,
    /** a header field makes no sense (IP header length below minimum, TCP data offset below 5, ...) */
    MALFORMED
}
