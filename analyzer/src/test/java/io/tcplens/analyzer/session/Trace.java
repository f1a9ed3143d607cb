package io.tcplens.analyzer.session;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.testing.Frames;

import java.util.ArrayList;
import java.util.List;

/** Feeds built frames through a real {@link Analyzer} (decoder + session engine) and collects the sessions. */
final class Trace {

    static final String C = "10.0.0.1";
    static final String S = "10.0.0.2";
    static final int CP = 40000;
    static final int SP = 80;

    final List<SessionRecord> sessions = new ArrayList<>();
    final Analyzer analyzer;

    Trace() {
        this(Analyzer.DEFAULT_IDLE_TIMEOUT_NS, Analyzer.DEFAULT_CLOSE_LINGER_NS);
    }

    Trace(long idleNs, long lingerNs) {
        analyzer = new Analyzer(idleNs, lingerNs, new InIdOrder(sessions::add));
    }

    static Frames c2s() {
        return Frames.tcp(C, CP, S, SP);
    }

    static Frames s2c() {
        return Frames.tcp(S, SP, C, CP);
    }

    /** feeds a frame captured at {@code ms} milliseconds */
    Trace at(double ms, Frames f) {
        byte[] b = f.build();
        analyzer.onFrame(Math.round(ms * 1e6), f.linkType(), 0, b, 0, b.length, b.length);
        return this;
    }

    /** feeds a frame captured at {@code ns} nanoseconds (any long: pcapng timestamps reach them all) */
    Trace atNs(long ns, Frames f) {
        byte[] b = f.build();
        analyzer.onFrame(ns, f.linkType(), 0, b, 0, b.length, b.length);
        return this;
    }

    List<SessionRecord> finish() {
        analyzer.finish();
        return sessions;
    }

    SessionRecord only() {
        finish();
        if (sessions.size() != 1) {
            throw new AssertionError("expected 1 session, got " + sessions.size() + ": " + sessions);
        }
        return sessions.get(0);
    }
}
