package io.tcplens.analyzer.table;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backward-shift deletion keeps every remaining entry reachable from its home slot, including
 * clusters that wrap around the end of the array: 64 slots, hashes drawn from 16 homes near the
 * end so clusters are long and wrap, 200,000 random inserts and deletes checked against a set.
 */
class LinearProbingTest {

    private final Integer[] slots = new Integer[64];
    private final int[] hashes = new int[64];

    private int slotOf(int key) {
        for (int i = home(key) & 63, n = 0; n < slots.length; i = (i + 1) & 63, n++) {
            if (slots[i] == null) {
                return -1;
            }
            if (slots[i] == key) {
                return i;
            }
        }
        return -1;
    }

    private static int home(int key) {
        return 50 + key % 16;   // homes 50..65 & 63: the last 14 slots and the first 2
    }

    @Test
    void entriesStayReachableAfterDeletes() {
        SplittableRandom r = new SplittableRandom(13);
        Set<Integer> model = new HashSet<>();
        long shifted = 0;
        for (int step = 0; step < 200_000; step++) {
            int key = r.nextInt(100);
            if (model.contains(key)) {
                int i = slotOf(key);
                assertTrue(i >= 0, "key " + key + " lost at step " + step);
                shifted += LinearProbing.delete(slots, hashes, i);
                model.remove(key);
            } else if (model.size() < 32) {
                int i = home(key) & 63;
                while (slots[i] != null) {
                    i = (i + 1) & 63;
                }
                slots[i] = key;
                hashes[i] = home(key);
                model.add(key);
            }
            if (step % 97 == 0) {
                for (int k = 0; k < 100; k++) {
                    assertEquals(model.contains(k), slotOf(k) >= 0, "key " + k + " at step " + step);
                }
            }
        }
        assertTrue(shifted > 0);
        for (int k : model) {
            LinearProbing.delete(slots, hashes, slotOf(k));
        }
        for (Integer s : slots) {
            assertNull(s);
        }
    }
}
