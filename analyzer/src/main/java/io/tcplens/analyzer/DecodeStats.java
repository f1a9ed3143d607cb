package io.tcplens.analyzer;

import io.tcplens.analyzer.decode.DecodeResult;
import io.tcplens.analyzer.decode.Ipv4Reassembler;
import io.tcplens.analyzer.table.SipHash;

/**
 * Frames counted by what the decoder found in them; frames that aren't TCP are counted, not errors.
 * Nonsense frames ({@link #malformed()}) and frames cut before the end of their headers
 * ({@link #truncated()}) are counted too: they never reach the session table. IPv4 fragments
 * that were never reassembled are counted by the reassembler and read here.
 */
public final class DecodeStats {

    private final long[] byResult = new long[DecodeResult.values().length];
    /** distinct unsupported link types seen, in order of first sight, and their frame counts */
    private int[] unsupportedTypes = new int[4];
    private long[] unsupportedCounts = new long[4];
    private int unsupportedKinds;
    private int[] kindIndex = new int[8];
    private final SipHash key = SipHash.random();
    private long probes;
    private long frames;
    private final Ipv4Reassembler reassembler;

    DecodeStats(Ipv4Reassembler reassembler) {
        this.reassembler = reassembler;
    }

    void count(DecodeResult result, int linkType) {
        frames++;
        byResult[result.ordinal()]++;
        if (result == DecodeResult.UNSUPPORTED_LINK_TYPE) {
            countUnsupported(linkType);
        }
    }

    /**
     * Finds the link type's kind through a keyed open-addressing index (kind + 1 per slot, load at
     * most 1/2): a pcapng file can give every interface its own link type, and a scan of the kinds
     * per frame made that quadratic.
     */
    private void countUnsupported(int linkType) {
        int hash = (int) key.hash(linkType);
        int mask = kindIndex.length - 1;
        int i = hash & mask;
        for (probes++; kindIndex[i] != 0; i = (i + 1) & mask, probes++) {
            int kind = kindIndex[i] - 1;
            if (unsupportedTypes[kind] == linkType) {
                unsupportedCounts[kind]++;
                return;
            }
        }
        // a new link type: allocates only on first sight
        if (unsupportedKinds == unsupportedTypes.length) {
            unsupportedTypes = java.util.Arrays.copyOf(unsupportedTypes, unsupportedKinds * 2);
            unsupportedCounts = java.util.Arrays.copyOf(unsupportedCounts, unsupportedKinds * 2);
        }
        unsupportedTypes[unsupportedKinds] = linkType;
        unsupportedCounts[unsupportedKinds++] = 1;
        kindIndex[i] = unsupportedKinds;
        if (unsupportedKinds * 2 > kindIndex.length) {
            kindIndex = new int[kindIndex.length * 2];
            mask = kindIndex.length - 1;
            for (int kind = 0; kind < unsupportedKinds; kind++) {
                int j = (int) key.hash(unsupportedTypes[kind]) & mask;
                while (kindIndex[j] != 0) {
                    j = (j + 1) & mask;
                }
                kindIndex[j] = kind + 1;
            }
        }
    }

    /** index slots examined so far by unsupported frames: what many link types would inflate */
    long probes() {
        return probes;
    }

    public long frames() {
        return frames;
    }

    public long count(DecodeResult result) {
        return byResult[result.ordinal()];
    }

    public long tcpSegments() {
        return count(DecodeResult.TCP);
    }

    /** frames whose headers make no sense (IP header length below 20, TCP data offset past the packet, ...) */
    public long malformed() {
        return count(DecodeResult.MALFORMED);
    }

    /** frames cut (by the snaplen or the capture) before the end of the fixed TCP header */
    public long truncated() {
        return count(DecodeResult.TRUNCATED);
    }

    /** fragmented IPv4 datagrams given up incomplete: memory budget, timeout, or input over */
    public long datagramsDropped() {
        return reassembler.datagramsDropped();
    }

    /** of {@link #datagramsDropped()}: pushed out to stay within the reassembly memory budget */
    public long datagramsDroppedForMemory() {
        return reassembler.droppedForMemory();
    }

    /** of {@link #datagramsDropped()}: still incomplete 30 s after their first fragment */
    public long datagramsTimedOut() {
        return reassembler.timedOut();
    }

    /** of {@link #datagramsDropped()}: still incomplete at the end of the input */
    public long datagramsIncompleteAtEnd() {
        return reassembler.incompleteAtEnd();
    }

    /** IPv4 fragments never reassembled: those of the datagrams given up, and fragments refused on their own */
    public long fragmentsDropped() {
        return reassembler.fragmentsDropped();
    }

    /** frames of a link type tcplens does not decode, for {@code linkType} */
    public long unsupported(int linkType) {
        int mask = kindIndex.length - 1;
        for (int i = (int) key.hash(linkType) & mask; kindIndex[i] != 0; i = (i + 1) & mask) {
            if (unsupportedTypes[kindIndex[i] - 1] == linkType) {
                return unsupportedCounts[kindIndex[i] - 1];
            }
        }
        return 0;
    }

    /** link types seen that tcplens cannot decode, in ascending order */
    public int[] unsupportedLinkTypes() {
        int[] types = java.util.Arrays.copyOf(unsupportedTypes, unsupportedKinds);
        java.util.Arrays.sort(types);
        return types;
    }
}
