package io.tcplens.cli.render;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test helper: every scalar of a JSON document by its path ({@code "handshake.rtt_ns"},
 * {@code "sessions.0.5"} for element 5 of element 0 of "sessions"), as the literal text the document
 * holds (numbers exactly as written; null for JSON null). Read with jackson-core, so a document
 * that is not JSON fails here.
 */
public final class JsonPaths {

    private JsonPaths() {
    }

    public static Map<String, String> of(String doc) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        Deque<String> path = new ArrayDeque<>();
        Deque<int[]> index = new ArrayDeque<>();   // per open container: next element index, -1 for an object
        try (JsonParser p = new JsonFactory().createParser(doc)) {
            String field = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME) {
                    field = p.currentName();
                    continue;
                }
                String key = field;
                if (!index.isEmpty() && index.peek()[0] >= 0) {
                    key = Integer.toString(index.peek()[0]++);
                }
                field = null;
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    path.push(key == null ? "" : key);
                    index.push(new int[] {t == JsonToken.START_ARRAY ? 0 : -1});
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    path.pop();
                    index.pop();
                } else {
                    StringBuilder k = new StringBuilder();
                    path.descendingIterator().forEachRemaining(n -> k.append(n.isEmpty() ? "" : n + "."));
                    values.put(k + key, t == JsonToken.VALUE_NULL ? null : p.getText());
                }
            }
        }
        return values;
    }
}
