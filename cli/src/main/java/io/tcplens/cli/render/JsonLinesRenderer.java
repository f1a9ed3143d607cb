package io.tcplens.cli.render;

import io.tcplens.analyzer.session.SessionRecord;

import java.io.IOException;
import java.io.Writer;

/**
 * One JSON object per session, one per line, in order of id: the public contract of DESIGN §3
 * (names are never renamed; new fields may be added). The fields are {@link RecordFields}'s;
 * {@link JsonLine} writes them.
 */
public final class JsonLinesRenderer implements SessionSink {

    private final Writer out;
    private final JsonLine line = new JsonLine();

    public JsonLinesRenderer(Writer out) {
        this.out = out;
    }

    @Override
    public void session(SessionRecord r) throws IOException {
        line.start();
        RecordFields.walk(r, line);
        line.finishTo(out);
    }

    @Override
    public void finish(RunTotals totals) throws IOException {
        out.flush();
    }
}
