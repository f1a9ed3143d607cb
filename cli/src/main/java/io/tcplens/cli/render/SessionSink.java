package io.tcplens.cli.render;

import io.tcplens.analyzer.session.SessionRecord;

import java.io.IOException;

/** An output format: receives sessions in order of id, then the run's totals. */
public interface SessionSink {

    void session(SessionRecord session) throws IOException;

    void finish(RunTotals totals) throws IOException;
}
