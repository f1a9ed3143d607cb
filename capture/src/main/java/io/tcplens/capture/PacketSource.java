package io.tcplens.capture;

/** A source of captured frames: a capture file read by tcplens itself, or through libpcap. */
public interface PacketSource extends AutoCloseable {

    /**
     * Hands every frame to {@code handler}, in file order, then returns what was read. A file cut
     * short is not an exception: the complete frames are delivered and the result carries a warning.
     */
    ReadResult readAll(FrameHandler handler) throws CaptureException;

    @Override
    void close();
}
