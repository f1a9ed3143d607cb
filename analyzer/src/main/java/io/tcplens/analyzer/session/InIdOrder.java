package io.tcplens.analyzer.session;

import java.util.PriorityQueue;

/**
 * Re-orders sessions, which end in any order, into order of id (the JSON Lines contract) before
 * passing them on. Holds only sessions that ended before an older one.
 */
public final class InIdOrder implements SessionListener {

    private final SessionListener downstream;
    private final PriorityQueue<SessionRecord> waiting =
            new PriorityQueue<>((x, y) -> Long.compare(x.id(), y.id()));
    private long next;

    public InIdOrder(SessionListener downstream) {
        this.downstream = downstream;
    }

    @Override
    public void onSession(SessionRecord session) {
        waiting.add(session);
        while (!waiting.isEmpty() && waiting.peek().id() == next) {
            downstream.onSession(waiting.poll());
            next++;
        }
    }

    /** sessions held back, waiting for an older one to end */
    public int waiting() {
        return waiting.size();
    }
}
