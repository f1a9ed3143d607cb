package io.tcplens.analyzer.session;

/**
 * Open-addressing hash table of live sessions keyed by the unordered pair of endpoints, so A→B
 * and B→A find the same session (gopacket's symmetric {@code FastHash}). Keys are compared field
 * by field against the session's endpoints: no key objects, nothing allocated per lookup.
 * Linear probing; removal by backward shift, so no tombstones accumulate.
 *
 * <p>Each slot's hash is also kept in a parallel {@code int[]}: probing compares hashes there and
 * touches a session object only when its hash matches. With tens of thousands of sessions (closed
 * ones wait out the close linger in the table) the objects are far apart in memory, and reading
 * one per probe step was a cache miss per step.
 */
final class SessionTable {

    private TcpSession[] slots = new TcpSession[1 << 12];
    private int[] hashes = new int[1 << 12];
    private int mask = slots.length - 1;
    private int size;

    /** Symmetric hash of a segment's endpoints: the same value for both directions. */
    static int hash(int version, long sHi, long sLo, int sPort, long dHi, long dLo, int dPort) {
        long h1 = mix(sHi * 31 + sLo, sPort);
        long h2 = mix(dHi * 31 + dLo, dPort);
        long h = (h1 + h2) * 0x9E3779B97F4A7C15L ^ (h1 ^ h2) ^ version;
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        return (int) (h ^ (h >>> 32));
    }

    private static long mix(long addr, int port) {
        long h = (addr ^ (addr >>> 29) ^ ((long) port << 40) ^ port) * 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 31);
    }

    int size() {
        return size;
    }

    TcpSession find(int hash, int version, long sHi, long sLo, int sPort, long dHi, long dLo, int dPort) {
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            TcpSession s = slots[i];
            if (s == null) {
                return null;
            }
            if (hashes[i] == hash && s.matches(version, sHi, sLo, sPort, dHi, dLo, dPort)) {
                return s;
            }
        }
    }

    void insert(TcpSession session) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        place(session, session.hash);
        size++;
    }

    private void place(TcpSession session, int hash) {
        int i = hash & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = session;
        hashes[i] = hash;
    }

    void remove(TcpSession session) {
        int i = session.hash & mask;
        while (slots[i] != session) {
            if (slots[i] == null) {
                return;
            }
            i = (i + 1) & mask;
        }
        slots[i] = null;
        size--;
        // backward-shift deletion: re-seat the rest of the cluster
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            TcpSession moved = slots[j];
            slots[j] = null;
            place(moved, hashes[j]);
        }
    }

    private void grow() {
        TcpSession[] old = slots;
        int[] oldHashes = hashes;
        slots = new TcpSession[old.length * 2];
        hashes = new int[old.length * 2];
        mask = slots.length - 1;
        for (int i = 0; i < old.length; i++) {
            if (old[i] != null) {
                place(old[i], oldHashes[i]);
            }
        }
    }
}
