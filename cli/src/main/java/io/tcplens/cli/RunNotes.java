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

    /** the notes about decoding: link types skipped, malformed frames, fragments given up */
    static void decode(DecodeStats st, PrintWriter err) {
        for (int lt : st.unsupportedLinkTypes()) {
            err.println("tcplens: note: " + st.unsupported(lt) + " frames of link type " + lt
                    + " were skipped: tcplens does not decode that link type");
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
