package io.tcplens.analyzer.session;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.testing.Frames;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What live capture adds to the engine: a session cap with eviction, a clock without packets, snapshots. */
class SessionTrackerLiveTest {

    private final List<SessionRecord> emitted = new ArrayList<>();
    private final Analyzer analyzer = new Analyzer(300_000_000_000L, 2_000_000_000L, emitted::add);

    private void at(long ms, Frames f) {
        byte[] b = f.build();
        analyzer.onFrame(ms * 1_000_000L, f.linkType(), 0, b, 0, b.length, b.length);
    }

    private static Frames syn(int clientPort) {
        return Frames.tcp("10.0.0.1", clientPort, "10.0.0.2", 80).syn().seq(1000);
    }

    @Test
    void maxSessionsEvictsTheLongestIdleAndCountsIt() {
        analyzer.sessions().setMaxSessions(2);
        at(0, syn(40001));
        at(1, syn(40002));
        at(2, Frames.tcp("10.0.0.1", 40001, "10.0.0.2", 80).syn().seq(1000)); // retry: 40001 is now the newest
        at(3, syn(40003));                                                     // evicts 40002
        assertEquals(1, emitted.size());
        assertEquals(40002, emitted.get(0).clientPort());
        assertEquals(EndReason.EVICTED, emitted.get(0).endReason());
        assertEquals("evicted", emitted.get(0).endReason().jsonName());
        assertEquals(2, analyzer.sessions().openSessions());
        assertEquals(1, analyzer.sessions().evictions());
        analyzer.finish();
        assertEquals(List.of(40002, 40001, 40003), emitted.stream().map(SessionRecord::clientPort).toList());
    }

    @Test
    void aClosedSessionCutShortInItsLingerIsNotCountedAsEvicted() {
        analyzer.sessions().setMaxSessions(2);
        at(0, Frames.tcp("10.0.0.1", 40002, "10.0.0.2", 80).rst().seq(1000));   // reset: waits out the linger
        at(1, syn(40001));
        at(2, syn(40003));                              // the table is full: the longest idle, the closed one, goes
        assertEquals(1, emitted.size());
        assertEquals(40002, emitted.get(0).clientPort());
        assertEquals(EndReason.RESET, emitted.get(0).endReason());
        assertEquals(0, analyzer.sessions().evictions());
        assertEquals(1, analyzer.sessions().lingerCutShort());
    }

    @Test
    void clockAdvancesWithoutPacketsAndSnapshotsLeaveSessionsOpen() {
        at(0, Frames.tcp("10.0.0.1", 40001, "10.0.0.2", 80).rst().seq(1000)); // ended: waits out the linger
        at(1, syn(40002));
        SessionTracker.OpenSessions open = analyzer.sessions().openSnapshot();
        assertEquals(1, open.size(), "only the open one is in the snapshot");
        List<SessionRecord> records = new ArrayList<>();
        open.forEach(records::add);
        assertEquals(1, records.size());
        assertEquals(40002, records.get(0).clientPort());
        analyzer.sessions().advanceClock(1_000_000_000L);
        assertEquals(0, emitted.size());
        analyzer.sessions().advanceClock(2_100_000_000L);
        assertEquals(1, emitted.size(), "the reset session ends once the linger is over, without another packet");
        assertEquals(Outcome.RESET, emitted.get(0).outcome());
        assertEquals(1, analyzer.sessions().openSessions());
    }
}
