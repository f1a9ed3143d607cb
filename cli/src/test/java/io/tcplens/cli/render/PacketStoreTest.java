package io.tcplens.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PacketStore}'s primitive id map behaves as a {@link HashMap} would, through growth and
 * removals; a session's packets, packed five longs each, read back as they were stored.
 */
class PacketStoreTest {

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
