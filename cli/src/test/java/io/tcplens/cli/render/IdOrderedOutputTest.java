package io.tcplens.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@link IdOrderedOutput}: texts offered in any order come out in order of id, spilled or not. */
class IdOrderedOutputTest {

    /** the report's bytes, read back as UTF-8 */
    static final class Utf8 extends ByteArrayOutputStream {
        @Override
        public synchronized String toString() {
            return toString(StandardCharsets.UTF_8);
        }
    }

    /** texts of various lengths, some empty, some beyond ASCII (the timeline's arrows, a surrogate pair) */
    static List<String> texts(int n, Random random) {
        List<String> texts = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            StringBuilder sb = new StringBuilder();
            int kind = random.nextInt(6);
            if (kind > 0) {
                sb.append('#').append(id).append("  10.0.0.1:4711 → 10.0.0.2:80");
                for (int i = random.nextInt(kind == 5 ? 400 : 20); i > 0; i--) {
                    sb.append(i % 7 == 0 ? "← é 😀" : " x").append(i);
                }
                sb.append('\n');
            }
            texts.add(sb.toString());   // kind 0: a session filtered out, no text
        }
        return texts;
    }

    static String shuffledThrough(IdOrderedOutput ordered, Utf8 out, List<String> texts, long seed)
            throws IOException {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        for (int id : order) {
            ordered.offer(id, texts.get(id));
        }
        ordered.finish();
        assertEquals(0, ordered.held());
        return out.toString();
    }

    @ParameterizedTest(name = "budget {0}")
    @ValueSource(longs = {0, 100, 5_000, 1L << 30})
    void shuffledTextsComeOutInOrderOfId(long budget) throws IOException {
        List<String> texts = texts(2_000, new Random(42));
        Utf8 out = new Utf8();
        Path spill;
        try (IdOrderedOutput ordered = new IdOrderedOutput(out, budget)) {
            assertEquals(String.join("", texts), shuffledThrough(ordered, out, texts, 7));
            spill = ordered.spillFile();
            if (budget < 1_000_000) {
                assertNotNull(spill, "the spill file is used beyond the budget");
                assertTrue(ordered.spilledBytes() > 0);
                assertTrue(Files.exists(spill));
            } else {
                assertNull(spill, "everything fits the budget: no spill file");
                assertEquals(0, ordered.spilledBytes());
            }
        }
        if (spill != null) {
            assertFalse(Files.exists(spill), "the spill file is deleted on close: " + spill);
        }
    }

    @Test
    void dueTextsGoOutAtOnceAndHeldOnesWhenTheirTurnComes() throws IOException {
        Utf8 out = new Utf8();
        try (IdOrderedOutput ordered = new IdOrderedOutput(out, 4)) {
            ordered.offer(2, "two→\n");    // spilled: beyond the budget of 4 bytes
            ordered.offer(1, "one\n");     // held in memory
            assertEquals("", out.toString());
            assertEquals(2, ordered.held());
            ordered.offer(0, "zero\n");
            assertEquals("zero\none\ntwo→\n", out.toString());
            assertEquals(0, ordered.held());
            ordered.offer(3, "");
            ordered.offer(4, "four\n");
            assertEquals("zero\none\ntwo→\nfour\n", out.toString());
            assertEquals(3 + 3 + 1, ordered.spilledBytes());   // spilled as its UTF-8 bytes: → takes 3
        }
    }

    @Test
    void textIsSpilledAsTheUtf8BytesWrittenOut() throws IOException {
        Utf8 out = new Utf8();
        try (IdOrderedOutput ordered = new IdOrderedOutput(out, 0)) {   // everything held is spilled
            ordered.offer(2, "caf\u00e9 \u00ff\n");
            ordered.offer(1, "{\"id\":1}\n");
            assertEquals(9 + 9, ordered.spilledBytes());   // é and ÿ take two bytes each
            ordered.offer(0, "x\n");
            assertEquals("x\n{\"id\":1}\ncaf\u00e9 \u00ff\n", out.toString());
        }
    }

    /** random text over the whole char range (pairs, lone surrogates, every UTF-8 length) encodes as OutputStreamWriter does */
    @Test
    void randomTextEncodedAsOutputStreamWriterWould() throws IOException {
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            char[] c = new char[random.nextInt(300)];
            for (int i = 0; i < c.length; i++) {
                int kind = random.nextInt(5);
                c[i] = (char) (kind == 0 ? random.nextInt(0x80) : kind == 1 ? random.nextInt(0x800)
                        : kind == 2 ? 0xD800 + random.nextInt(0x800) : random.nextInt(0x10000));
            }
            String text = new String(c);
            java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
            try (java.io.Writer w = new java.io.OutputStreamWriter(expected, StandardCharsets.UTF_8)) {
                w.write(text);
            }
            Utf8 out = new Utf8();
            try (IdOrderedOutput ordered = new IdOrderedOutput(out, round % 2 == 0 ? 0 : 1 << 20)) {
                ordered.offer(1, text);
                ordered.offer(0, text);
            }
            byte[] one = expected.toByteArray();
            byte[] both = new byte[2 * one.length];
            System.arraycopy(one, 0, both, 0, one.length);
            System.arraycopy(one, 0, both, one.length, one.length);
            org.junit.jupiter.api.Assertions.assertArrayEquals(both, out.toByteArray(), "round " + round);
        }
    }

    /** the bytes OutputStreamWriter writes: a pair is one 4-byte character, a lone surrogate '?' */
    @Test
    void encodedAsOutputStreamWriterWould() throws IOException {
        String text = "a\uD83D\uDE00b \uD800 c\uDC00\n";
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        try (java.io.Writer w = new java.io.OutputStreamWriter(expected, StandardCharsets.UTF_8)) {
            w.write(text);
        }
        Utf8 out = new Utf8();
        try (IdOrderedOutput ordered = new IdOrderedOutput(out, 0)) {
            ordered.offer(1, text);
            ordered.offer(0, text);
            ordered.finish();
            ordered.writer().write("\uD83D");      // a footer's pair split over two writes stays one character
            ordered.writer().write("\uDE00\n");
        }
        byte[] one = expected.toByteArray();
        byte[] all = out.toByteArray();
        assertEquals(2 * one.length + 5, all.length);
        assertEquals(new String(one, StandardCharsets.ISO_8859_1) + new String(one, StandardCharsets.ISO_8859_1)
                + "\u00f0\u009f\u0098\u0080\n", new String(all, StandardCharsets.ISO_8859_1));
    }

    @Test
    void textOutsideSessionsKeepsItsPlace() throws IOException {
        Utf8 out = new Utf8();
        try (IdOrderedOutput ordered = new IdOrderedOutput(out, 0)) {
            ordered.writer().write("header\n");           // before any session, e.g. from a constructor
            ordered.offer(1, "one\n");
            assertEquals("", out.toString());
            ordered.offer(0, "");                          // filtered out: the header still waits
            assertEquals("header\none\n", out.toString());
            ordered.finish();
            ordered.writer().write("footer\n");
            ordered.writer().flush();
            assertEquals("header\none\nfooter\n", out.toString());
        }
    }

    /** the HTML page's rows: a separator between two texts that are not empty, in id order, held, spilled or not */
    @ParameterizedTest(name = "budget {0}")
    @ValueSource(longs = {0, 4, 1L << 30})
    void aSeparatorGoesBetweenTextsThatAreNotEmpty(long budget) throws IOException {
        Utf8 out = new Utf8();
        try (IdOrderedOutput ordered = new IdOrderedOutput(out, budget, ",\n")) {
            ordered.writer().write("[");                   // the page before its rows
            ordered.offer(3, "c");
            ordered.offer(1, "");                          // filtered out: no row, no separator
            ordered.offer(2, "b→");
            assertEquals("", out.toString());
            ordered.offer(0, "");
            assertEquals("[b→,\nc", out.toString());
            ordered.offer(5, "e");
            ordered.offer(4, "d");
            ordered.finish();
            ordered.writer().write("]");                   // after the rows
        }
        assertEquals("[b→,\nc,\nd,\ne]", out.toString());
    }

    @Test
    void aHeaderWithoutSessionsIsWrittenAtFinish() throws IOException {
        Utf8 out = new Utf8();
        try (IdOrderedOutput ordered = new IdOrderedOutput(out)) {
            ordered.writer().write("header\n");
            ordered.offer(0, "");
            assertEquals("", out.toString(), "nothing goes out before a session's text or finish");
            ordered.finish();
            assertEquals("header\n", out.toString());
        }
    }

    @Test
    void sessionTextThroughTheWriter() throws IOException {
        Utf8 out = new Utf8();
        try (IdOrderedOutput ordered = new IdOrderedOutput(out, 0)) {
            for (long id : new long[] {1, 0}) {
                ordered.begin(id);
                ordered.writer().write("#" + id);
                ordered.writer().write(' ');
                ordered.writer().write(new char[] {'a', '→', 'b'}, 1, 1);
                ordered.writer().append("\n");
                ordered.end();
            }
        }
        assertEquals("#0 →\n#1 →\n", out.toString());
    }

    @Test
    void anIdTwiceIsAnError() throws IOException {
        try (IdOrderedOutput ordered = new IdOrderedOutput(new Utf8())) {
            ordered.offer(0, "a");
            ordered.offer(5, "b");
            assertThrows(IllegalArgumentException.class, () -> ordered.offer(0, "again"));
            assertThrows(IllegalArgumentException.class, () -> ordered.offer(5, "again"));
        }
    }

    @Test
    void farAheadIdsGrowTheIndex() throws IOException {
        Utf8 out = new Utf8();
        List<String> texts = texts(50_000, new Random(3));
        try (IdOrderedOutput ordered = new IdOrderedOutput(out, 10_000)) {
            for (int id = texts.size() - 1; id >= 0; id--) {   // the worst order: the oldest ends last
                ordered.offer(id, texts.get(id));
            }
            ordered.finish();
        }
        assertEquals(String.join("", texts), out.toString());
    }

    /** a ring of a few slots: ids beyond it go through the spilled index, whatever the order and budget */
    @ParameterizedTest(name = "ring of {0}")
    @ValueSource(ints = {1, 2, 16, 64})
    void aSmallRingSpillsTheIndexAndKeepsTheOrder(int slots) throws IOException {
        List<String> texts = texts(2_000, new Random(42));
        String expected = String.join("", texts);
        for (long budget : new long[] {0, 5_000, 1L << 30}) {
            for (long seed = 1; seed <= 3; seed++) {
                Utf8 out = new Utf8();
                Path index;
                try (IdOrderedOutput ordered = new IdOrderedOutput(out, budget, null, slots)) {
                    assertEquals(expected, shuffledThrough(ordered, out, texts, seed), "budget " + budget);
                    assertTrue(ordered.indexWrites() > 0, "entries beyond the ring are spilled");
                    assertEquals(ordered.indexWrites(), ordered.indexReads(), "each read back once");
                    assertTrue(ordered.slots() <= slots);
                    index = ordered.indexFile();
                    assertNotNull(index);
                }
                assertFalse(Files.exists(index), "the spilled index is deleted on close: " + index);
            }
            Utf8 out = new Utf8();
            try (IdOrderedOutput ordered = new IdOrderedOutput(out, budget, ",", slots)) {
                for (int id = texts.size() - 1; id >= 0; id--) {   // the oldest ends last
                    ordered.offer(id, texts.get(id));
                }
                ordered.finish();
            }
            assertEquals(String.join(",", texts.stream().filter(t -> !t.isEmpty()).toList()), out.toString());
        }
    }

    @Test
    void anIdTwiceBeyondTheRingIsAnError() throws IOException {
        try (IdOrderedOutput ordered = new IdOrderedOutput(new Utf8(), 0, null, 4)) {
            ordered.offer(10, "a");
            ordered.offer(11, "");
            assertThrows(IllegalArgumentException.class, () -> ordered.offer(10, "again"));
            assertThrows(IllegalArgumentException.class, () -> ordered.offer(11, "again"));
        }
    }

    /**
     * Issue 13, item 12: one session open from the start while two million later ones end. The
     * memory held stays within the text budget plus the ring (2^18 slots of 20 bytes) plus two cached
     * blocks of the spilled index (1,024 entries of 12 bytes): it used to grow ~16-20 bytes an id
     * (here 40 MB). The output is the texts in order of id.
     */
    @Test
    void twoMillionIdsBehindOneOpenStayWithinTheBudget() throws IOException {
        int n = 2_000_000;
        long budget = 1 << 20;
        StringBuilder expected = new StringBuilder("#0 the long one\n");
        Utf8 out = new Utf8();
        long bound = budget + (long) IdOrderedOutput.DEFAULT_INDEX_SLOTS * 20 + 2 * 1024 * 12;
        assertEquals(6_316_032, bound);
        try (IdOrderedOutput ordered = new IdOrderedOutput(out, budget, null)) {
            for (int id = 1; id <= n; id++) {
                String text = id % 7 == 0 ? "" : "#" + id + " →\n";   // every 7th filtered out
                expected.append(text);
                ordered.offer(id, text);
                if (id % 100_000 == 0) {
                    assertTrue(ordered.heldInMemory() <= bound, ordered.heldInMemory() + " bytes held after " + id);
                }
            }
            assertEquals(n, ordered.held());
            assertEquals(0, out.size());
            assertEquals(1 << 18, ordered.slots());
            // ids 1..2^18-1 sit in the ring, 2^18..2,000,000 in the spilled index
            assertEquals(n - (1 << 18) + 1, ordered.indexWrites());
            ordered.offer(0, "#0 the long one\n");
            assertEquals(n - (1 << 18) + 1, ordered.indexReads());
            assertEquals(0, ordered.held());
            assertTrue(ordered.heldInMemory() <= bound, ordered.heldInMemory() + " bytes held");
            ordered.finish();
        }
        assertEquals(expected.toString(), out.toString());
    }
}
