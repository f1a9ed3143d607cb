package io.tcplens.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
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

    static String shuffledThrough(IdOrderedOutput ordered, StringWriter out, List<String> texts, long seed)
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
        StringWriter out = new StringWriter();
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
        StringWriter out = new StringWriter();
        try (IdOrderedOutput ordered = new IdOrderedOutput(out, 4)) {
            ordered.offer(2, "two→\n");    // spilled: beyond the budget of 4 chars
            ordered.offer(1, "one\n");     // held in memory
            assertEquals("", out.toString());
            assertEquals(2, ordered.held());
            ordered.offer(0, "zero\n");
            assertEquals("zero\none\ntwo→\n", out.toString());
            assertEquals(0, ordered.held());
            ordered.offer(3, "");
            ordered.offer(4, "four\n");
            assertEquals("zero\none\ntwo→\nfour\n", out.toString());
            assertEquals(2 * "two→\n".length(), ordered.spilledBytes());   // → is not Latin-1: spilled as UTF-16
        }
    }

    @Test
    void latin1TextIsSpilledOneBytePerCharacter() throws IOException {
        StringWriter out = new StringWriter();
        try (IdOrderedOutput ordered = new IdOrderedOutput(out, 0)) {   // everything held is spilled
            ordered.offer(2, "caf\u00e9 \u00ff\n");
            ordered.offer(1, "{\"id\":1}\n");
            assertEquals(7 + 9, ordered.spilledBytes());
            ordered.offer(0, "x\n");
            assertEquals("x\n{\"id\":1}\ncaf\u00e9 \u00ff\n", out.toString());
        }
    }

    @Test
    void textOutsideSessionsKeepsItsPlace() throws IOException {
        StringWriter out = new StringWriter();
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

    @Test
    void aHeaderWithoutSessionsIsWrittenAtFinish() throws IOException {
        StringWriter out = new StringWriter();
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
        StringWriter out = new StringWriter();
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
        try (IdOrderedOutput ordered = new IdOrderedOutput(new StringWriter())) {
            ordered.offer(0, "a");
            ordered.offer(5, "b");
            assertThrows(IllegalArgumentException.class, () -> ordered.offer(0, "again"));
            assertThrows(IllegalArgumentException.class, () -> ordered.offer(5, "again"));
        }
    }

    @Test
    void farAheadIdsGrowTheIndex() throws IOException {
        StringWriter out = new StringWriter();
        List<String> texts = texts(50_000, new Random(3));
        try (IdOrderedOutput ordered = new IdOrderedOutput(out, 10_000)) {
            for (int id = texts.size() - 1; id >= 0; id--) {   // the worst order: the oldest ends last
                ordered.offer(id, texts.get(id));
            }
            ordered.finish();
        }
        assertEquals(String.join("", texts), out.toString());
    }
}
