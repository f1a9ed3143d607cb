package io.tcplens.analyzer.decode;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.session.InIdOrder;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.analyzer.testing.Frames;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IPv4 fragments are reassembled; the TCP segment counts once, at the frame that completes it. */
class Ipv4ReassemblerTest {

    /** a raw-IPv4 SYN with 100 payload bytes: 20 IP + 20 TCP + 100 = 140 bytes */
    private static byte[] datagram() {
        return Frames.tcp("192.0.2.1", 1234, "192.0.2.2", 80).link(Frames.Link.RAW).syn().seq(777).payload(100).build();
    }

    /** RFC 791 fragment of {@code whole}: payload bytes [from, to), MF when {@code more} */
    private static byte[] fragment(byte[] whole, int from, int to, boolean more) {
        return fragment(whole, from, to, more, 0x1234);
    }

    /** the same with identification {@code id} */
    private static byte[] fragment(byte[] whole, int from, int to, boolean more, int id) {
        byte[] f = new byte[20 + (to - from)];
        System.arraycopy(whole, 0, f, 0, 20);
        System.arraycopy(whole, 20 + from, f, 20, to - from);
        int len = f.length;
        f[2] = (byte) (len >> 8);
        f[3] = (byte) len;
        f[4] = (byte) (id >> 8);
        f[5] = (byte) id;
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

    // ---- many datagrams at once, a memory budget, duplicates (issue 13, item 10)

    private static final int SESSIONS = 1_000;
    private static final long ISN_C = 1000, ISN_S = 5000;
    /**
     * the data segment: 20 TCP + 1,000 bytes = 1,020 bytes of IP payload, in fragments [0, 1000)
     * and [1000, 1020): either one alone, or both, needs a buffer of 1,024 bytes
     */
    private static final int DATA = 1_000;
    private static final int SPLIT = 1_000;

    private static String client(int k) {
        return "10.1." + (k / 250) + "." + (k % 250 + 1);
    }

    private static Frames c2s(int k) {
        return Frames.tcp(client(k), 40000, "192.0.2.1", 80).link(Frames.Link.RAW);
    }

    private static Frames s2c(int k) {
        return Frames.tcp("192.0.2.1", 80, client(k), 40000).link(Frames.Link.RAW);
    }

    /**
     * SESSIONS sessions: every handshake, then every data segment's first fragment, then every
     * last fragment ({@code lastsReversed}: in the opposite order), then every close. Each session:
     * SYN, SYN-ACK, ACK; 1,000 bytes client to server as two fragments; the server's ACK; FIN, FIN-ACK, ACK.
     */
    private static List<byte[]> interleaved(boolean lastsReversed) {
        List<byte[]> frames = new ArrayList<>();
        for (int k = 0; k < SESSIONS; k++) {
            frames.add(c2s(k).syn().seq(ISN_C).build());
            frames.add(s2c(k).syn().seq(ISN_S).ack(ISN_C + 1).build());
            frames.add(c2s(k).seq(ISN_C + 1).ack(ISN_S + 1).build());
        }
        byte[][] data = new byte[SESSIONS][];
        for (int k = 0; k < SESSIONS; k++) {
            data[k] = c2s(k).psh().seq(ISN_C + 1).ack(ISN_S + 1).payload(DATA).build();
            frames.add(fragment(data[k], 0, SPLIT, true, k));
        }
        for (int i = 0; i < SESSIONS; i++) {
            int k = lastsReversed ? SESSIONS - 1 - i : i;
            frames.add(fragment(data[k], SPLIT, 20 + DATA, false, k));
        }
        for (int k = 0; k < SESSIONS; k++) {
            frames.add(s2c(k).seq(ISN_S + 1).ack(ISN_C + 1 + DATA).build());
            frames.add(c2s(k).fin().seq(ISN_C + 1 + DATA).ack(ISN_S + 1).build());
            frames.add(s2c(k).fin().seq(ISN_S + 1).ack(ISN_C + 2 + DATA).build());
            frames.add(c2s(k).seq(ISN_C + 2 + DATA).ack(ISN_S + 2).build());
        }
        return frames;
    }

    private static void analyze(Analyzer a, List<byte[]> frames) {
        long t = 1_000;
        for (byte[] f : frames) {
            a.onFrame(t, 101, 0, f, 0, f.length, f.length);
            t += 1_000;   // 1 us apart: 10,000 frames in 10 ms, far from the 30 s timeout
        }
        a.finish();
    }

    @Test
    void aThousandInterleavedDatagramsAreAllReassembledWithinTheDefaultMemory() {
        // each datagram ends at byte 1,020: a 1,024-byte buffer, charged 1,024 + 16 + 192 = 1,232 bytes;
        // 1,000 of them (1.2 MB) fit in 4 MiB, so nothing is dropped (the old cap of 256 dropped them all)
        assertEquals(1_232, Ipv4Reassembler.cost(1_024));
        List<SessionRecord> out = new ArrayList<>();
        Analyzer a = new Analyzer(new InIdOrder(out::add));
        analyze(a, interleaved(false));
        assertEquals(SESSIONS, out.size());
        for (SessionRecord r : out) {
            assertEquals(DATA, r.bytesC2s(), "session " + r.id());
            assertEquals(5, r.packetsC2s(), "session " + r.id());   // SYN, ACK, data, FIN, ACK
            assertEquals(0, r.fragmentsDropped(), "session " + r.id());
            assertEquals("ok", r.diagnosis().code(), "session " + r.id());
        }
        assertEquals(0, a.stats().datagramsDropped());
        assertEquals(0, a.stats().fragmentsDropped());
        assertEquals(SESSIONS, a.stats().count(DecodeResult.FRAGMENT));   // the first fragments
    }

    @Test
    void beyondTheMemoryBudgetDropsAreCountedAndTheSessionsSaySo() {
        beyondTheBudget(false);
    }

    /** the same with the session work on a second thread: the notices of drops go through its ring */
    @Test
    void beyondTheMemoryBudgetWithTheSessionThread() {
        beyondTheBudget(true);
    }

    private static void beyondTheBudget(boolean secondThread) {
        // room for exactly 100 such datagrams. First fragments 0..999: from the 101st on, each new
        // datagram pushes out the oldest: 0..899 dropped (900, each with its first fragment, so
        // their sessions know). Last fragments 999..900 complete 900..999. Last fragments 899..0
        // then start new datagrams holding only a last fragment: the first 100 reuse the buffers
        // just freed, the other 800 push out one each; the last 100 are incomplete at the end.
        List<SessionRecord> out = new ArrayList<>();
        Analyzer a = new Analyzer(new InIdOrder(out::add));
        if (secondThread) {
            a.useSecondThread();
        }
        a.setFragmentMemory(100 * Ipv4Reassembler.cost(1_024));
        analyze(a, interleaved(true));
        assertEquals(900 + 800, a.stats().datagramsDroppedForMemory());
        assertEquals(0, a.stats().datagramsTimedOut());
        assertEquals(100, a.stats().datagramsIncompleteAtEnd());
        assertEquals(1_800, a.stats().datagramsDropped());
        assertEquals(1_800, a.stats().fragmentsDropped());
        assertEquals(SESSIONS, out.size());
        for (SessionRecord r : out) {
            boolean lost = r.id() < 900;
            assertEquals(lost ? 0 : DATA, r.bytesC2s(), "session " + r.id());
            assertEquals(lost ? 1 : 0, r.fragmentsDropped(), "session " + r.id());
            assertEquals(lost ? "fragments_dropped" : "ok", r.diagnosis().code(), "session " + r.id());
        }
        assertEquals("1 IP fragment of this session was never reassembled (reassembly memory full, timed out, or cut by"
                + " the end of the capture): its analysis is incomplete",
                out.get(0).diagnosis().text());
    }

    @Test
    void aDatagramIncompleteFor30SecondsIsGivenUpAndCounted() {
        byte[] w = datagram();
        List<SessionRecord> out = new ArrayList<>();
        Analyzer a = new Analyzer(new InIdOrder(out::add));
        byte[] syn = Frames.tcp("192.0.2.1", 1234, "192.0.2.2", 80).link(Frames.Link.RAW).syn().seq(776).build();
        a.onFrame(0, 101, 0, syn, 0, syn.length, syn.length);
        byte[] first = fragment(w, 0, 64, true);
        byte[] middle = fragment(w, 64, 72, true);
        a.onFrame(1_000, 101, 0, first, 0, first.length, first.length);
        a.onFrame(2_000, 101, 0, middle, 0, middle.length, middle.length);
        byte[] other = fragment(w, 0, 8, true, 99);   // another datagram, 30 s + 1 ns after the first fragment
        a.onFrame(1_000 + Ipv4Reassembler.TIMEOUT_NS + 1, 101, 0, other, 0, other.length, other.length);
        a.finish();
        assertEquals(1, a.stats().datagramsTimedOut());
        assertEquals(1, a.stats().datagramsIncompleteAtEnd());   // "other" (8 bytes: no whole TCP header)
        assertEquals(3, a.stats().fragmentsDropped());
        assertEquals(1, out.size());
        assertEquals(2, out.get(0).fragmentsDropped());   // first and middle, on the SYN's session
    }

    @Test
    void aMillionDuplicateFragmentsCostAFewStepsEach() {
        // a 60,000-byte datagram: its first and last fragments, then 1,000,000 copies of one
        // fragment in the middle, then the rest. The old code rescanned all 7,500 units of the
        // datagram for each duplicate once the last fragment was in (and every one of 256 slots).
        byte[] w = Frames.tcp("192.0.2.1", 1234, "192.0.2.2", 80).link(Frames.Link.RAW).psh().seq(1).payload(60_000 - 20).build();
        Ipv4Reassembler r = new Ipv4Reassembler();
        byte[] first = fragment(w, 0, 8, true);
        byte[] last = fragment(w, 59_992, 60_000, false);
        byte[] dup = fragment(w, 8, 64, true);
        byte[] rest = fragment(w, 64, 59_992, true);
        assertEquals(-1, r.offer(first, 0, first.length, 1));
        assertEquals(-1, r.offer(last, 0, last.length, 2));
        long before = r.steps();
        int n = 1_000_000;
        for (int i = 0; i < n; i++) {
            assertEquals(-1, r.offer(dup, 0, dup.length, 3));
        }
        long perDuplicate = (r.steps() - before) / n;
        // one probe to find the datagram, one bitmap word to mark (units 1..7), no rescan
        assertEquals(2, perDuplicate);
        assertEquals(20 + 60_000, r.offer(rest, 0, rest.length, 4));
        byte[] expected = Arrays.copyOf(w, 20 + 60_000);
        expected[6] = 0;   // the fragments were sent without DF, and the reassembled header is the first fragment's
        assertArrayEquals(expected, Arrays.copyOf(r.datagram(), 20 + 60_000));
        assertEquals(1, r.completed());
        assertEquals(0, r.fragmentsDropped());
    }

    @Test
    void datagramsOfOneHostPairAndProtocolWithEveryIdentificationStayAFewProbesApart() {
        // the RFC 791 key differs only in the 16-bit identification: 1,000 at once, then their
        // last fragments, all found in a few probes (a keyed hash: no id sequence lines them up)
        byte[] w = datagram();
        Ipv4Reassembler r = new Ipv4Reassembler();
        for (int id = 0; id < SESSIONS; id++) {
            byte[] f = fragment(w, 0, 64, true, id * 64);
            r.offer(f, 0, f.length, id);
        }
        long before = r.steps();
        for (int id = 0; id < SESSIONS; id++) {
            byte[] f = fragment(w, 64, 120, false, id * 64);
            assertEquals(140, r.offer(f, 0, f.length, SESSIONS + id));
        }
        double perFragment = (double) (r.steps() - before) / SESSIONS;
        assertTrue(perFragment < 8, "steps per completing fragment: " + perFragment);   // find, 1 word, 1 check, removal
        assertEquals(SESSIONS, r.completed());
    }
}
