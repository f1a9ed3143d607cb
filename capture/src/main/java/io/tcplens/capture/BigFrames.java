package io.tcplens.capture;

/**
 * Frames longer than any link carries, of which a reader kept only the first {@link #KEPT} bytes (a pcap
 * record or a pcapng block over 16 MiB is streamed, not held): how many there were, where the first was,
 * and the one note that says so. One owner for both readers' rule and words.
 */
final class BigFrames {

    /**
     * bytes of such a frame handed on: libpcap's MAXIMUM_SNAPLEN (262,144), the most any capture of a
     * real link keeps; an analyzer reads headers, and a frame beyond this is not one a NIC delivered
     */
    static final int KEPT = 262144;

    /** "record" (pcap) or "block" (pcapng), for the note */
    private final String unit;
    private long count;
    private long first;
    private long firstAt;
    private long firstLength;

    BigFrames(String unit) {
        this.unit = unit;
    }

    /** counts a frame of {@code length} bytes in {@code unit} number {@code n} at byte {@code at}; returns {@link #KEPT} */
    int add(long n, long at, long length) {
        if (count++ == 0) {
            first = n;
            firstAt = at;
            firstLength = length;
        }
        return KEPT;
    }

    /** the note for the reader's result, or null when there was no such frame */
    String note() {
        if (count == 0) {
            return null;
        }
        return count == 1
                ? unit + " " + first + " at byte " + firstAt + " holds a frame of " + firstLength
                        + " bytes, more than any link carries: only its first " + KEPT
                        + " bytes were read and analysed, the rest skipped"
                : count + " frames were larger than any link carries (the first: " + unit + " " + first
                        + " at byte " + firstAt + ", " + firstLength + " bytes): only the first " + KEPT
                        + " bytes of each were read and analysed, the rest skipped";
    }
}
