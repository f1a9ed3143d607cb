package io.tcplens.analyzer.session;

import io.tcplens.analyzer.table.LinearProbing;
import io.tcplens.analyzer.table.SipHash;

/**
 * Open-addressing hash table of live sessions keyed by the unordered pair of endpoints, so A→B
 * and B→A find the same session (gopacket's symmetric {@code FastHash}). Keys are compared field
 * by field against the session's endpoints: no key objects, nothing allocated per lookup.
 * Linear probing at a load of at most 1/2; removal by backward shift ({@link LinearProbing}), so
 * no tombstones accumulate and a removal looks at the rest of its cluster once.
 *
 * <p>The hash is SipHash-1-3 under a key drawn per table from {@code SecureRandom}
 * ({@link SipHash}): the packets of a capture are chosen by whoever sends them, and with the
 * unkeyed hash this table had, crafted 4-tuples all fell into one cluster (8,000 SYNs took 60 s,
 * quadratic insertion and cubic removal). Symmetry comes from putting the two endpoints in a
 * canonical order before hashing them, not from combining two endpoint hashes: a commutative
 * combination such as XOR would send every session whose two endpoints are equal to one value.
 *
 * <p>Each slot's hash is also kept in a parallel {@code int[]}: probing compares hashes there and
 * touches a session object only when its hash matches. With tens of thousands of sessions (closed
 * ones wait out the close linger in the table) the objects are far apart in memory, and reading
 * one per probe step was a cache miss per step.
 */
final class SessionTable {

    private final SipHash key;
    private TcpSession[] slots = new TcpSession[1 << 12];
    private int[] hashes = new int[1 << 12];
    private int mask = slots.length - 1;
    private int size;
    /** slots examined by find, insert and remove so far: what hash flooding would inflate */
    private long probes;

    SessionTable() {
        this(SipHash.random());
    }

    /** a table under a given key: for tests that play an attacker who knows (or guessed) it */
    SessionTable(SipHash key) {
        this.key = key;
    }

    /**
     * Symmetric keyed hash of a segment's endpoints: the same value for both directions. The
     * endpoints are ordered (address, then port) and hashed as one message: IPv4 as two words
     * (address << 16 | port each), IPv6 as five (both addresses, then both ports); the lengths
     * differ, so an IPv4 tuple and an IPv6 one never share a message.
     */
    int hash(int version, long sHi, long sLo, int sPort, long dHi, long dLo, int dPort) {
        if (version == 4) {
            long s = sLo << 16 | sPort;
            long d = dLo << 16 | dPort;
            return (int) (s < d ? key.hash(s, d) : key.hash(d, s));
        }
        int c = Long.compareUnsigned(sHi, dHi);
        if (c == 0) {
            c = Long.compareUnsigned(sLo, dLo);
        }
        if (c == 0) {
            c = Integer.compare(sPort, dPort);
        }
        return c <= 0
                ? (int) key.hash(sHi, sLo, dHi, dLo, (long) sPort << 16 | dPort)
                : (int) key.hash(dHi, dLo, sHi, sLo, (long) dPort << 16 | sPort);
    }

    int size() {
        return size;
    }

    long probes() {
        return probes;
    }

    TcpSession find(int hash, int version, long sHi, long sLo, int sPort, long dHi, long dLo, int dPort) {
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            probes++;
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
        probes++;
        while (slots[i] != null) {
            i = (i + 1) & mask;
            probes++;
        }
        slots[i] = session;
        hashes[i] = hash;
    }

    void remove(TcpSession session) {
        int i = session.hash & mask;
        probes++;
        while (slots[i] != session) {
            if (slots[i] == null) {
                return;
            }
            i = (i + 1) & mask;
            probes++;
        }
        probes += LinearProbing.delete(slots, hashes, i);
        size--;
    }

    private void grow() {
        TcpSession[] old = slots;
        int[] oldHashes = hashes;
        slots = new TcpSession[old.length * 2];
        hashes = new int[old.length * 2];
        mask = slots.length - 1;
        for (int i = 0; i < old.length; i++) {
            if (old[i] != null) {
                place(old[i], oldHashes[i]);   // counted too: a flood would make this quadratic as well
            }
        }
    }
}
