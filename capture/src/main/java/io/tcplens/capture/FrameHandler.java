package io.tcplens.capture;

/**
 * Receives captured frames one at a time. The bytes {@code data[offset, offset + capturedLength)}
 * are only valid during the call: sources reuse their buffers, so a handler that wants to keep a
 * frame must copy it. No object is created per frame.
 */
@FunctionalInterface
public interface FrameHandler {

    /**
     * @param timestampNanos  capture time, nanoseconds since the Unix epoch
     * @param linkType        the LINKTYPE_ number of the frame's interface (1 Ethernet, 113 Linux SLL, ...)
     * @param interfaceId     pcapng interface index (0 for pcap files and live captures)
     * @param data            buffer holding the frame
     * @param offset          first byte of the frame in {@code data}
     * @param capturedLength  bytes present in the capture (caplen)
     * @param originalLength  length of the frame on the wire (len), at least capturedLength
     */
    void onFrame(long timestampNanos, int linkType, int interfaceId,
                 byte[] data, int offset, int capturedLength, int originalLength);
}
