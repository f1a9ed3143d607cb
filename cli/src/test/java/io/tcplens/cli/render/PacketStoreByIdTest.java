package io.tcplens.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link PacketStore}'s primitive id map behaves as a {@link HashMap} would, through growth and removals. */
class PacketStoreByIdTest {

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
