package io.tcplens.analyzer.session;

import java.util.PriorityQueue;

/**
 * Re-orders sessions, which end in any order, into order of id (the JSON Lines contract) before
 * passing them on. Holds only sessions that ended before an older one, but holds their records: a
 * priority queue by id, O(log n) comparisons a session whatever order they end in (no hashing, so
 * nothing for traffic to collide), memory growing with the sessions waiting. For tests and small
 * inputs: {@code tcplens analyze} puts each session's rendered text in order instead, within a
 * memory budget (cli {@code IdOrderedOutput}).
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
