package io.tcplens.cli;

import io.tcplens.analyzer.DecodeStats;
import io.tcplens.analyzer.decode.Ipv4Reassembler;
import io.tcplens.cli.render.PacketStore;
import io.tcplens.cli.render.Units;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The {@code tcplens: note:} lines that end a run of {@code analyze} or {@code capture}: what was read but
 * not analysed, or analysed with less than the packets held (frames of link types not decoded, malformed
 * frames, IPv4 fragments never reassembled, ladders cut short by the report's memory budget). One owner, so
 * both commands say the same thing in the same words.
 */
final class RunNotes {

    private RunNotes() {
    }

    /**
     * Link types named one note line each; the others share one line. A pcapng file may give each of
     * 65,536 interfaces a section (and every section anew) its own link type, 20 bytes of file each: one
     * line per type let a 3.4 MB file (an empty frame on each) write 65,521 lines to stderr.
     */
    static final int LINK_TYPE_NOTES = 16;

    /** the notes about decoding: link types skipped, malformed frames, fragments given up */
    static void decode(DecodeStats st, PrintWriter err) {
        int[] types = st.unsupportedLinkTypes();
        long others = 0;
        for (int i = 0; i < types.length; i++) {
            if (i < LINK_TYPE_NOTES) {
                err.println("tcplens: note: " + st.unsupported(types[i]) + " frames of link type " + types[i]
                        + " were skipped: tcplens does not decode that link type");
            } else {
                others += st.unsupported(types[i]);
            }
        }
        if (types.length > LINK_TYPE_NOTES) {
            err.println("tcplens: note: " + others + " frames of " + (types.length - LINK_TYPE_NOTES)
                    + " other link types were skipped: tcplens does not decode those link types either");
        }
        if (st.malformed() + st.truncated() > 0) {
            err.println("tcplens: note: " + Units.plural(st.malformed(), "frame was", "frames were")
                    + " malformed (headers that make no sense) and " + st.truncated()
                    + " cut before the end of the TCP header: counted, not analysed");
        }
        if (st.fragmentsDropped() > 0) {
            err.println("tcplens: note: " + Units.plural(st.fragmentsDropped(), "IPv4 fragment was", "IPv4 fragments were")
                    + " never reassembled (" + Units.plural(st.datagramsDropped(), "datagram", "datagrams") + " given up: "
                    + st.datagramsDroppedForMemory() + " for the " + (Ipv4Reassembler.DEFAULT_MEMORY >> 20)
                    + " MiB reassembly memory, " + st.datagramsTimedOut() + " timed out after "
                    + Ipv4Reassembler.TIMEOUT_NS / 1_000_000_000L + " s, " + st.datagramsIncompleteAtEnd()
                    + " incomplete at the end): their sessions count them in fragments_dropped");
        }
    }

    /** the note about HTML ladders cut short (null store: not an HTML report) */
    static void ladders(PacketStore ladders, PrintWriter err) {
        if (ladders == null || ladders.notKept() == 0) {
            return;
        }
        // the page says which: "ladder not kept: N packets over the report's memory budget"
        err.println("tcplens: note: the ladders of " + Units.plural(ladders.sessionsNotKept(), "session", "sessions")
                + " are cut short: " + Units.plural(ladders.notKept(), "packet was", "packets were")
                + " not kept, over the report's memory budget for ladders (" + (ladders.budget() >= 1 << 20
                        ? String.format(Locale.ROOT, "%.1f MiB", ladders.budget() / 1048576.0)
                        : Units.plural(ladders.budget(), "byte", "bytes"))
                + ", by default an eighth of the Java heap; more memory keeps more: JAVA_OPTS=-Xmx4g ./tcplens ...)");
    }
}
