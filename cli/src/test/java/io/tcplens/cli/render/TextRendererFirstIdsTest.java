package io.tcplens.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The text footer's session lists are the lowest ids whatever order the sessions come in. */
class TextRendererFirstIdsTest {

    @Test
    void firstIdsKeepsTheLowestInOrder() {
        TextRenderer.FirstIds ids = new TextRenderer.FirstIds();
        List<Long> all = new ArrayList<>();
        for (long id = 0; id < 100; id += 3) {
            all.add(id);
        }
        Collections.shuffle(all, new Random(11));
        for (long id : all) {
            ids.add(id);
        }
        assertEquals(all.size(), ids.count());
        assertEquals(8, ids.shown());
        for (int i = 0; i < 8; i++) {
            assertEquals(3L * i, ids.get(i));
        }
    }

    @Test
    void fewerThanShownKeepsThemAll() {
        TextRenderer.FirstIds ids = new TextRenderer.FirstIds();
        for (long id : new long[] {9, 4, 7}) {
            ids.add(id);
        }
        assertEquals(3, ids.count());
        assertEquals(3, ids.shown());
        assertEquals(List.of(4L, 7L, 9L), List.of(ids.get(0), ids.get(1), ids.get(2)));
    }
}
