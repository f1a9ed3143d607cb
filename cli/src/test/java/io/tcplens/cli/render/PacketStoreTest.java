package io.tcplens.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.decode.TcpSegment;
import io.tcplens.analyzer.session.PacketListener;
import io.tcplens.analyzer.session.Phase;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.analyzer.session.TcpSession;

import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PacketStore}'s primitive id map behaves as a {@link HashMap} would, through growth and
 * removals, and takes O(1) probes whichever ids are open; a session's packets, packed five longs
 * each, read back as they were stored; the packets kept stay within the store's byte budget.
 */
class PacketStoreTest {

    /** one packet array of 16 packets, five longs each: 16 bytes of array header + 80 * 8 */
    private static final long FIRST_ARRAY = 16 + 16 * 5 * 8;
    /** growing it to 32 packets costs this much more */
    private static final long SECOND_ARRAY_MORE = (16 + 32 * 5 * 8) - FIRST_ARRAY;

    /** feeds the store and checks after every packet that it holds no more than its budget */
    private record Checked(PacketStore store) implements PacketListener {
        @Override
        public void onPacket(TcpSession s, boolean fromA, TcpSegment seg, long tsNs, Phase phase) {
            store.onPacket(s, fromA, seg, tsNs, phase);
            if (store.heldBytes() > store.budget()) {
                throw new AssertionError(store.heldBytes() + " bytes held, budget " + store.budget());
            }
        }
    }

    /** sessions 0..n-1: each a handshake, then packets - 3 data packets and ACKs, round robin */
    private static List<SessionRecord> busy(PacketListener packetListener, int n, int packets) {
        List<SessionRecord> records = new ArrayList<>();
        Analyzer analyzer = new Analyzer(records::add);
        analyzer.setPacketListener(packetListener);
        RawTcp tcp = new RawTcp(analyzer);
        long t = 1_700_000_000_000_000_000L;
        for (int i = 0; i < n; i++) {
            tcp.handshake(t, i);
            t += 10_000;
        }
        for (int k = 0; k < packets - 3; k++) {
            for (int i = 0; i < n; i++) {
                tcp.data(t, i, k);
                t += 1_000;
            }
        }
        analyzer.finish();   // every session still open: emitted in order of id
        assertEquals(n, records.size());
        return records;
    }

    @Test
    void aSessionOverTheBudgetKeepsWhatItHasAndCountsTheRest() throws Exception {
        // budget 1500 bytes: sessions 0 and 1 get their first array (656 bytes each, 1312), session 2's
        // would make 1968; growing 0 or 1 to 32 packets needs 640 more (1952): both stop at 16 packets
        PacketStore store = new PacketStore(500, null, 1_500);
        List<SessionRecord> records = busy(new Checked(store), 3, 20);
        assertEquals(2 * FIRST_ARRAY, store.heldBytes());
        assertEquals(2 * FIRST_ARRAY + SECOND_ARRAY_MORE, 1952);
        assertEquals(4 + 4 + 20, store.notKept());
        assertEquals(3, store.sessionsNotKept());

        StringWriter page = new StringWriter();
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        HtmlReport html = new HtmlReport(page, store, "t", clock);
        for (SessionRecord r : records) {
            html.session(r);
        }
        assertEquals(0, store.heldBytes(), "taking the sessions frees their packets");
        html.finish(new RunTotals(60, 60, 0, new int[0], List.of()));
        String text = page.toString();
        // session 2: 20 packets seen, none kept, no anomaly names, 20 not kept over the budget
        assertTrue(text.contains(",20,[],\"\",20]"), text);
        // sessions 0 and 1: 16 packets kept (16 * 11 numbers), 4 not kept
        int at = text.indexOf("[0,4,");
        String row0 = text.substring(at, text.indexOf("\n", at));
        assertTrue(row0.endsWith(",20,[" + row0.substring(row0.indexOf(",20,[") + 5, row0.indexOf("],\"\",4],"))
                + "],\"\",4],"), row0);
        assertEquals(16 * 11, row0.substring(row0.indexOf(",20,[") + 5, row0.indexOf("],\"\",4],")).split(",").length);

        // the oracle writes the same rows
        StringWriter oracle = new StringWriter();
        PacketStore again = new PacketStore(500, null, 1_500);
        List<SessionRecord> same = busy(new Checked(again), 3, 20);
        HtmlReport jackson = new HtmlReport(oracle, again, "t", clock, new JacksonHtmlRows());
        for (SessionRecord r : same) {
            jackson.session(r);
        }
        jackson.finish(new RunTotals(60, 60, 0, new int[0], List.of()));
        assertEquals(oracle.toString(), text);
    }

    /** 20,000 busy sessions (issue 13, item 13): the ladders' packets stay within the budget */
    @Test
    void twentyThousandBusySessionsStayWithinTheBudget() {
        long budget = 4L << 20;
        PacketStore store = new PacketStore(500, null, budget);
        PacketStore unbounded = new PacketStore(500, null);
        PacketListener checked = new Checked(store);
        List<SessionRecord> records = busy((s, fromA, seg, tsNs, phase) -> {
            checked.onPacket(s, fromA, seg, tsNs, phase);
            unbounded.onPacket(s, fromA, seg, tsNs, phase);
        }, 20_000, 40);
        // without a budget: every session's array grows to 64 packets (16 + 320 * 8 bytes)
        assertEquals(20_000L * (16 + 64 * 5 * 8), unbounded.heldBytes());
        // with 4 MiB: the first 4194304 / 656 = 6393 sessions get a first array and no second one
        long kept = budget / FIRST_ARRAY;
        assertEquals(6393, kept);
        assertEquals(kept * FIRST_ARRAY, store.heldBytes());
        assertTrue(store.heldBytes() + SECOND_ARRAY_MORE > budget);
        assertEquals(kept * (40 - 16) + (20_000 - kept) * 40, store.notKept());
        assertEquals(20_000, store.sessionsNotKept());
        PacketStore.Packets last = store.take(kept - 1);
        assertEquals(16, last.count());
        assertEquals(24, last.notKept());
        assertEquals(40, last.seen());
        PacketStore.Packets first = store.take(kept);
        assertEquals(0, first.count());
        assertEquals(40, first.notKept());
        for (SessionRecord r : records) {
            store.take(r.id());
        }
        assertEquals(0, store.heldBytes());
    }

    /**
     * Which ids stay open is up to the traffic: keep open only ids whose slots under the old,
     * unkeyed hash (Fibonacci: id * 2^64 / phi, high half xored in) all fall in 32 adjacent slots
     * of the 8192-slot table. Unkeyed, they form one probe run: ~n/2 probes an operation (~10^7
     * for these 4,000). Keyed, a lookup at load 1/2 takes ~1.5 probes, an insertion ~2.5.
     */
    @Test
    void idsChosenToCollideUnderAFixedHashTakeFewProbes() {
        int n = 4_000;
        int mask = 8191;   // 4,000 entries: the table grows to 8,192 slots and stays there
        long[] ids = new long[n];
        for (long id = 0, found = 0; found < n; id++) {
            long h = id * 0x9E3779B97F4A7C15L;
            if (((int) (h ^ h >>> 32) & mask) < 32) {
                ids[(int) found++] = id;
            }
        }
        PacketStore.ById map = new PacketStore.ById();
        Map<Long, PacketStore.Packets> reference = new HashMap<>();
        for (long id : ids) {
            reference.put(id, map.get(id));
        }
        for (int round = 0; round < 10; round++) {   // the packets of the open sessions
            for (long id : ids) {
                assertSame(reference.get(id), map.get(id));
            }
        }
        for (long id : ids) {
            assertSame(reference.get(id), map.remove(id));
        }
        assertEquals(0, map.size());
        long operations = 12L * n;
        assertTrue(map.probes() < 4 * operations, map.probes() + " probes for " + operations + " operations");
    }

    @Test
    void packetsReadBackAsStoredAtTheEdgesOfEveryField() {
        PacketStore.Packets p = new PacketStore.Packets();
        Random random = new Random(9);
        int n = 1_000;   // several growths of the array
        long[][] stored = new long[n][];
        for (int i = 0; i < n; i++) {
            boolean edge = i % 2 == 0;
            long ts = edge ? Long.MAX_VALUE - i : random.nextLong();
            boolean fromA = random.nextBoolean();
            int flags = edge ? 0x1FF : random.nextInt(0x200);
            long seq = edge ? (1L << 40) + i : random.nextInt(Integer.MAX_VALUE);
            long ack = edge ? -1 : random.nextInt(Integer.MAX_VALUE);
            int len = edge ? Integer.MAX_VALUE : random.nextInt(70_000);
            int win = edge ? 0xFFFF : random.nextInt(0x10000);
            int phase = edge ? 3 : random.nextInt(4);
            int senderState = edge ? 31 : random.nextInt(32);
            int receiverState = edge ? 31 : random.nextInt(32);
            int anomalies = edge ? (1 << io.tcplens.analyzer.session.Anomaly.values().length) - 1 : random.nextInt(1 << 15);
            p.add(ts, fromA, flags, seq, ack, len, win, phase, senderState, receiverState, anomalies);
            stored[i] = new long[] {ts, fromA ? 1 : 0, flags, seq, ack, len, win, phase, senderState, receiverState, anomalies};
        }
        assertEquals(n, p.count());
        for (int i = 0; i < n; i++) {
            long[] s = stored[i];
            long[] got = {p.tsNs(i), p.fromClient(i) ? 1 : 0, p.flags(i), p.relSeq(i), p.relAck(i), p.length(i),
                p.window(i), p.phase(i), p.senderState(i), p.receiverState(i), p.anomalies(i)};
            org.junit.jupiter.api.Assertions.assertArrayEquals(s, got, "packet " + i);   // a is the client by default
        }
    }

    @Test
    void sameAsAHashMapUnderRandomGetsAndRemovals() {
        PacketStore.ById map = new PacketStore.ById();
        Map<Long, PacketStore.Packets> reference = new HashMap<>();
        Random random = new Random(5);
        for (int op = 0; op < 400_000; op++) {
            // ids from a window that slides like session ids do, plus a few far-off ones
            long id = random.nextInt(10) == 0 ? random.nextLong() : op / 8 + random.nextInt(3_000);
            if (random.nextInt(3) == 0) {
                assertSame(reference.remove(id), map.remove(id), "remove " + id + " at op " + op);
            } else {
                PacketStore.Packets expected = reference.get(id);
                PacketStore.Packets got = map.get(id);
                if (expected == null) {
                    reference.put(id, got);
                } else {
                    assertSame(expected, got, "get " + id + " at op " + op);
                }
            }
        }
        assertEquals(reference.size(), map.size());
        for (Map.Entry<Long, PacketStore.Packets> e : reference.entrySet()) {
            assertSame(e.getValue(), map.remove(e.getKey()));
        }
        assertEquals(0, map.size());
        assertNull(map.remove(42L));
    }
}
