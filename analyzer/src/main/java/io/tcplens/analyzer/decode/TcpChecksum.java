package io.tcplens.analyzer.decode;

/**
 * Verifies the TCP checksum (RFC 9293 §3.1: the one's-complement sum over a pseudo header, the TCP
 * header and the payload; RFC 8200 §8.1 for the IPv6 pseudo header). Off by default in tcplens:
 * on the capturing host, checksum offload leaves outgoing segments with wrong checksums.
 */
public final class TcpChecksum {

    private TcpChecksum() {
    }

    /**
     * @return {@link TcpSegment#CHECKSUM_GOOD}, {@link TcpSegment#CHECKSUM_BAD}, or
     *         {@link TcpSegment#CHECKSUM_UNKNOWN} when the segment was not captured whole
     */
    public static int verify(byte[] b, TcpSegment s) {
        int tcpLength = s.tcpHeaderLength + s.payloadLength;
        if (s.capturedPayloadLength < s.payloadLength || s.tcpOffset + tcpLength > b.length || tcpLength <= 0) {
            return TcpSegment.CHECKSUM_UNKNOWN;
        }
        long sum = 0;
        if (s.ipVersion == 4) {
            sum += (s.srcLo >>> 16) + (s.srcLo & 0xFFFF) + (s.dstLo >>> 16) + (s.dstLo & 0xFFFF);
        } else {
            sum += words(s.srcHi) + words(s.srcLo) + words(s.dstHi) + words(s.dstLo);
        }
        sum += 6 + (tcpLength >>> 16) + (tcpLength & 0xFFFF);
        int p = s.tcpOffset;
        int end = p + tcpLength;
        for (; p + 1 < end; p += 2) {
            sum += ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
        }
        if (p < end) {
            sum += (b[p] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum == 0xFFFF ? TcpSegment.CHECKSUM_GOOD : TcpSegment.CHECKSUM_BAD;
    }

    private static long words(long v) {
        return (v >>> 48) + ((v >>> 32) & 0xFFFF) + ((v >>> 16) & 0xFFFF) + (v & 0xFFFF);
    }
}
