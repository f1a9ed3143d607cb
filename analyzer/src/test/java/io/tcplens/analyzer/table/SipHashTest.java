package io.tcplens.analyzer.table;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Known answers: the SipHash-1-3 vectors of Rust's {@code core::hash::SipHasher13} test
 * ({@code library/core/tests/hash/sip.rs}, {@code test_siphash_1_3}): key bytes 00..0f, message
 * bytes 00..(n-1), output as little-endian bytes. Here for n = 8, 16 and 40, the lengths used.
 */
class SipHashTest {

    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;

    /** message word i: bytes 8i..8i+7 of 00, 01, 02, ... read little-endian */
    private static long word(int i) {
        long w = 0;
        for (int b = 7; b >= 0; b--) {
            w = w << 8 | (8 * i + b);
        }
        return w;
    }

    /** the 8 bytes Rust lists, little-endian */
    private static long le(int... bytes) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | bytes[i];
        }
        return v;
    }

    @Test
    void matchesTheReferenceVectors() {
        SipHash h = new SipHash(K0, K1);
        assertEquals(0x0f0e0d0c0b0a0908L, word(1));
        assertEquals(le(0x8e, 0x9a, 0x29, 0x8d, 0x11, 0x95, 0x90, 0x36), h.hash(word(0)));
        assertEquals(le(0x66, 0x8b, 0x90, 0x7d, 0x1a, 0xdd, 0x4f, 0xcc), h.hash(word(0), word(1)));
        assertEquals(le(0x31, 0x15, 0xe4, 0x99, 0x32, 0x36, 0xd2, 0xc1),
                h.hash(word(0), word(1), word(2), word(3), word(4)));
    }

    @Test
    void theKeyChangesTheHash() {
        assertNotEquals(new SipHash(K0, K1).hash(1, 2), new SipHash(K0, K1 ^ 1).hash(1, 2));
        assertNotEquals(SipHash.random().hash(1, 2), SipHash.random().hash(1, 2));   // 2^-64 to fail
    }
}
