package io.tcplens.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PacketStore}'s primitive id map behaves as a {@link HashMap} would, through growth and
 * removals, and takes O(1) probes whichever ids are open; a session's packets, packed five longs each, read back as they were stored.
 */
class PacketStoreTest {

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
