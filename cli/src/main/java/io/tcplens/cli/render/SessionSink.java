package io.tcplens.cli.render;

import io.tcplens.analyzer.session.SessionRecord;

import java.io.IOException;

/**
 * An output format: receives sessions, then the run's totals. Sessions come in order of id, except
 * where {@code analyze} renders a line format through {@link IdOrderedOutput}: there they come as
 * they end and their text is put in order of id; so a sink's text must depend on its session only
 * (anything else, such as counts, belongs in {@link #finish}, independent of the order).
 */
public interface SessionSink {

    void session(SessionRecord session) throws IOException;

    void finish(RunTotals totals) throws IOException;
}
