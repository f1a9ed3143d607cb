package io.tcplens.analyzer.session;

/** Receives each session once, when it has ended (closed, reset, idle, reused, or input over). */
@FunctionalInterface
public interface SessionListener {
    void onSession(SessionRecord session);
}
