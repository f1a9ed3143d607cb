package io.tcplens.analyzer.decode;

/**
 * Decodes a captured frame down to its TCP header, without allocating: link layer, IPv4/IPv6,
 * TCP header and options, written into a reused {@link TcpSegment}.
 * (Stub: the implementation lands with the decoder work.)
 */
public final class PacketDecoder {

    /**
     * @param linkType       LINKTYPE_ number of the frame
     * @param data           frame buffer
     * @param offset         first byte of the frame
     * @param capturedLength bytes present
     * @param out            filled when the result is {@link DecodeResult#TCP}
     */
    public DecodeResult decode(int linkType, byte[] data, int offset, int capturedLength, TcpSegment out) {
        throw new UnsupportedOperationException("decoder not implemented yet");
    }

    /** Canonical text of an address (stub until the decoder lands). */
    public static String formatAddress(int ipVersion, long hi, long lo) {
        try {
            byte[] b;
            if (ipVersion == 4) {
                b = java.nio.ByteBuffer.allocate(4).putInt((int) lo).array();
            } else {
                b = java.nio.ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
            }
            return java.net.InetAddress.getByAddress(b).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
