package io.tcplens.analyzer.table;

/**
 * Deletion from an open-addressing table with linear probing, by backward shift (Knuth, TAOCP
 * vol. 3, §6.4, Algorithm R): no tombstones, and each entry after the hole is looked at once.
 * Shared by the tables that keep each slot's hash in a parallel {@code int[]} (the home slot of
 * the entry at {@code j} is {@code hashes[j] & mask}).
 */
public final class LinearProbing {

    private LinearProbing() {
    }

    /**
     * Empties slot {@code i} of {@code slots} (length a power of two, at least one slot empty) and
     * closes the gap: walking on from {@code i} to the next empty slot, an entry moves back into
     * the hole unless its home slot lies cyclically in (hole, its slot], where moving it would put
     * it before its home and out of reach of its own probe sequence. Returns the slots examined.
     */
    public static int delete(Object[] slots, int[] hashes, int i) {
        int mask = slots.length - 1;
        int examined = 0;
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            examined++;
            int home = hashes[j] & mask;
            boolean stays = i <= j ? i < home && home <= j : i < home || home <= j;
            if (!stays) {
                slots[i] = slots[j];
                hashes[i] = hashes[j];
                i = j;
            }
        }
        slots[i] = null;
        return examined;
    }
}
