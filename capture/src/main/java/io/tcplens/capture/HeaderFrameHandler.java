package io.tcplens.capture;

/**
 * A {@link FrameHandler} that can usually do its work with the first bytes of a frame (a session
 * analyzer reads headers, not payload). A reader that offers this copies only those bytes out of
 * its buffer; the handler asks for the whole frame when they are not enough.
 */
public interface HeaderFrameHandler extends FrameHandler {

    /** how many leading bytes of a frame usually suffice */
    int headerLength();

    /**
     * A frame of which {@code data[offset, offset + present)} holds only the first {@code present}
     * of its {@code capturedLength} bytes ({@code present < capturedLength}); valid during the call.
     *
     * @return true when the frame was handled; false to be given the whole frame next, through
     *         {@link #onFrame} (the handler must not have acted on it then)
     */
    boolean onFrameHeaders(long timestampNanos, int linkType, int interfaceId, byte[] data, int offset,
                           int present, int capturedLength, int originalLength);

    /** {@link #onFrameHeaders}'s shape, for a lambda */
    @FunctionalInterface
    interface Headers {
        boolean onFrameHeaders(long timestampNanos, int linkType, int interfaceId, byte[] data, int offset,
                               int present, int capturedLength, int originalLength);
    }

    /** A handler that gets the first {@code headerLength} bytes through {@code headers}, whole frames through {@code whole}. */
    static HeaderFrameHandler of(int headerLength, Headers headers, FrameHandler whole) {
        return new HeaderFrameHandler() {
            @Override
            public int headerLength() {
                return headerLength;
            }

            @Override
            public boolean onFrameHeaders(long ts, int linkType, int interfaceId, byte[] data, int offset,
                                          int present, int capturedLength, int originalLength) {
                return headers.onFrameHeaders(ts, linkType, interfaceId, data, offset, present, capturedLength,
                        originalLength);
            }

            @Override
            public void onFrame(long ts, int linkType, int interfaceId, byte[] data, int offset, int capturedLength,
                                int originalLength) {
                whole.onFrame(ts, linkType, interfaceId, data, offset, capturedLength, originalLength);
            }
        };
    }
}
