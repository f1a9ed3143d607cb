package io.tcplens.analyzer.decode;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.session.InIdOrder;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.analyzer.testing.Frames;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** IPv4 fragments are reassembled; the TCP segment counts once, at the frame that completes it. */
class Ipv4ReassemblerTest {

    /** a raw-IPv4 SYN with 100 payload bytes: 20 IP + 20 TCP + 100 = 140 bytes */
    private static byte[] datagram() {
        return Frames.tcp("192.0.2.1", 1234, "192.0.2.2", 80).link(Frames.Link.RAW).syn().seq(777).payload(100).build();
    }

    /** RFC 791 fragment of {@code whole}: payload bytes [from, to), MF when {@code more} */
    private static byte[] fragment(byte[] whole, int from, int to, boolean more) {
        byte[] f = new byte[20 + (to - from)];
        System.arraycopy(whole, 0, f, 0, 20);
        System.arraycopy(whole, 20 + from, f, 20, to - from);
        int len = f.length;
        f[2] = (byte) (len >> 8);
        f[3] = (byte) len;
        int field = (more ? 0x2000 : 0) | (from / 8);
        f[6] = (byte) (field >> 8);
        f[7] = (byte) field;
        return f;
    }

    private static List<SessionRecord> analyze(byte[]... frames) {
        List<SessionRecord> out = new ArrayList<>();
        Analyzer a = new Analyzer(new InIdOrder(out::add));
        long t = 1_000;
        for (byte[] f : frames) {
            a.onFrame(t, 101, 0, f, 0, f.length, f.length);
            t += 1_000;
        }
        a.finish();
        return out;
    }

    @Test
    void outOfOrderFragmentsWithADuplicateGiveOneSegmentAtTheCompletingFrame() {
        byte[] w = datagram();
        byte[] first = fragment(w, 0, 8, true);      // only 8 bytes of the TCP header
        byte[] middle = fragment(w, 8, 64, true);
        byte[] last = fragment(w, 64, 120, false);
        List<SessionRecord> s = analyze(last, middle, middle, first);
        assertEquals(1, s.size());
        SessionRecord r = s.get(0);
        assertEquals(1, r.packets());                 // one TCP segment, not four frames
        assertEquals(100, r.bytesC2s());              // 120 bytes of IP payload - 20 of TCP header
        assertEquals(1, r.synPackets());
        assertEquals(4_000L, r.startNs());            // the time of the 4th frame, which completed it
        assertEquals(1234, r.clientPort());
    }

    @Test
    void anIncompleteDatagramYieldsNoSegment() {
        byte[] w = datagram();
        assertEquals(0, analyze(fragment(w, 0, 64, true), fragment(w, 72, 120, false)).size());
    }

    @Test
    void aFirstFragmentNotCapturedWholeIsDecodedAsItStands() {
        // Wireshark reassembles only fragments whose bytes are all in the frame: cut this one by the
        // snaplen (10 of its 120 payload bytes missing) and it is dissected as TCP at once
        byte[] first = fragment(datagram(), 0, 120, true);
        List<SessionRecord> out = new ArrayList<>();
        Analyzer a = new Analyzer(new InIdOrder(out::add));
        a.onFrame(1_000, 101, 0, first, 0, first.length - 10, first.length);
        a.finish();
        assertEquals(1, out.size());
        assertEquals(100, out.get(0).bytesC2s());   // from the IP length: 120 - 20 of TCP header
    }

    @Test
    void unfragmentedTrafficIsUntouched() {
        byte[] w = datagram();
        List<SessionRecord> s = analyze(w, Arrays.copyOf(w, w.length));
        assertEquals(1, s.size());
        assertEquals(2, s.get(0).synPackets());
    }
}
