package io.tcplens.analyzer.table;

import java.security.SecureRandom;

/**
 * SipHash-1-3 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012; one compression
 * round per 8-byte word, three finalization rounds) under a 128-bit secret key, over messages of
 * whole 64-bit words: the hash of every table keyed by capture data.
 *
 * <p>Why a keyed PRF and not a faster mix: a capture is chosen by whoever sends the packets, and an
 * unkeyed hash (or a keyed one with a structure an attacker can cancel) lets them pick keys that
 * all land in one probe chain: hash flooding (CVE-2011-4885 against PHP's arrays, the 2011
 * "Efficient Denial of Service Attacks on Web Application Platforms" talk; the table of sessions
 * took 60 s for 8,000 crafted SYNs). SipHash was designed for exactly this: without the key, no
 * set of inputs collides more often than random ones, even for someone who knows the function.
 * Rust's {@code HashMap} ({@code RandomState}) and Python since PEP 456 (SipHash-1-3 since 3.11)
 * hash with it for the same reason; 1-3 is the variant both settled on for tables, where the
 * output is never revealed. A key of two {@code SecureRandom} longs per table ({@link #random()})
 * is never written anywhere. Cost: one SipRound per word plus four, so 6 rounds for an IPv4
 * 4-tuple (2 words) and 9 for IPv6 (5 words), nothing allocated.
 *
 * <p>Messages are whole words, read as SipHash reads little-endian 8-byte blocks, so
 * {@code hash(m0, m1)} is SipHash-1-3 of the 16 bytes {@code m0, m1} in little-endian order (the
 * known-answer test checks Rust's {@code SipHasher13} vectors). Messages of different lengths
 * never collide by construction: the length is in the final block.
 */
public final class SipHash {

    private final long k0;
    private final long k1;

    /**
     * A hash under the given key. Production code uses {@link #random()}; a fixed key is for
     * known-answer tests and for tests that play an attacker who guessed it.
     */
    public SipHash(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** A hash under a fresh 128-bit key from {@link SecureRandom}: one per table, per run. */
    public static SipHash random() {
        SecureRandom r = new SecureRandom();
        return new SipHash(r.nextLong(), r.nextLong());
    }

    /** SipHash-1-3 of one word (8 bytes). */
    public long hash(long m0) {
        return sip(1, m0, 0, 0, 0, 0);
    }

    /** SipHash-1-3 of two words (16 bytes). */
    public long hash(long m0, long m1) {
        return sip(2, m0, m1, 0, 0, 0);
    }

    /** SipHash-1-3 of five words (40 bytes). */
    public long hash(long m0, long m1, long m2, long m3, long m4) {
        return sip(5, m0, m1, m2, m3, m4);
    }

    /**
     * The n words, then the final block (the length in bytes, 8n, in its top byte), one SipRound
     * each (c = 1), then 0xff into v2 and three more rounds (d = 3). Written out round by round, the
     * way the reference implementation's SIPROUND macro expands: the launcher runs files under 2 GB
     * with C1 only, which neither unrolls a loop nor folds a switch on the round number (a loop with
     * one took 31-35 ns for two words there, this 21-22 ns: 20 M hashes in a loop under
     * -XX:TieredStopAtLevel=1 on this 2-core machine). The branches on n are constant at each call site.
     */
    private long sip(int n, long m0, long m1, long m2, long m3, long m4) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        v3 ^= m0;
        v0 += v1; v1 = Long.rotateLeft(v1, 13) ^ v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16) ^ v2; v0 += v3; v3 = Long.rotateLeft(v3, 21) ^ v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17) ^ v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= m0;
        if (n > 1) {
            v3 ^= m1;
            v0 += v1; v1 = Long.rotateLeft(v1, 13) ^ v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16) ^ v2; v0 += v3; v3 = Long.rotateLeft(v3, 21) ^ v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17) ^ v2; v2 = Long.rotateLeft(v2, 32);
            v0 ^= m1;
        }
        if (n > 2) {
            v3 ^= m2;
            v0 += v1; v1 = Long.rotateLeft(v1, 13) ^ v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16) ^ v2; v0 += v3; v3 = Long.rotateLeft(v3, 21) ^ v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17) ^ v2; v2 = Long.rotateLeft(v2, 32);
            v0 ^= m2;
            v3 ^= m3;
            v0 += v1; v1 = Long.rotateLeft(v1, 13) ^ v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16) ^ v2; v0 += v3; v3 = Long.rotateLeft(v3, 21) ^ v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17) ^ v2; v2 = Long.rotateLeft(v2, 32);
            v0 ^= m3;
            v3 ^= m4;
            v0 += v1; v1 = Long.rotateLeft(v1, 13) ^ v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16) ^ v2; v0 += v3; v3 = Long.rotateLeft(v3, 21) ^ v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17) ^ v2; v2 = Long.rotateLeft(v2, 32);
            v0 ^= m4;
        }
        long last = (long) n << 59;   // (8n mod 256) << 56
        v3 ^= last;
        v0 += v1; v1 = Long.rotateLeft(v1, 13) ^ v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16) ^ v2; v0 += v3; v3 = Long.rotateLeft(v3, 21) ^ v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17) ^ v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= last;
        v2 ^= 0xff;
        v0 += v1; v1 = Long.rotateLeft(v1, 13) ^ v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16) ^ v2; v0 += v3; v3 = Long.rotateLeft(v3, 21) ^ v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17) ^ v2; v2 = Long.rotateLeft(v2, 32);
        v0 += v1; v1 = Long.rotateLeft(v1, 13) ^ v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16) ^ v2; v0 += v3; v3 = Long.rotateLeft(v3, 21) ^ v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17) ^ v2; v2 = Long.rotateLeft(v2, 32);
        v0 += v1; v1 = Long.rotateLeft(v1, 13) ^ v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16) ^ v2; v0 += v3; v3 = Long.rotateLeft(v3, 21) ^ v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17) ^ v2; v2 = Long.rotateLeft(v2, 32);
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
