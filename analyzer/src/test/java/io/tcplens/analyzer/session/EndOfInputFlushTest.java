package io.tcplens.analyzer.session;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.testing.Frames;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The end of the input (or a SIGINT/SIGTERM) ends every open session: each record is built and handed on one at a
 * time and the session is let go at once, so the memory of a million open sessions falls as the report is written
 * instead of being held until the last one (issue 13, item 11).
 */
class EndOfInputFlushTest {

    @Test
    void eachSessionIsLetGoOnceItsRecordIsHandedOn() {
        int n = 2000;
        List<WeakReference<TcpSession>> sessions = new ArrayList<>();
        long[] unreachableAtLast = {-1};
        int[] records = {0};
        Analyzer analyzer = new Analyzer(r -> {
            records[0]++;
            if (r.id() == n - 1) {
                // the last record: every earlier session has been handed on and nothing of the engine's holds it
                System.gc();
                unreachableAtLast[0] = sessions.stream().filter(w -> w.get() == null).count();
            }
        });
        analyzer.setPacketListener((s, fromA, seg, ts, phase) -> sessions.add(new WeakReference<>(s)));
        for (int i = 0; i < n; i++) {
            Frames f = Frames.tcp("10.0.0.1", 1 + i, "10.0.0.2", 80).syn().seq(1000);
            byte[] b = f.build();
            analyzer.onFrame(1_000_000L * i, f.linkType(), 0, b, 0, b.length, b.length);
        }
        assertEquals(n, sessions.size(), "one SYN, one session each");
        assertEquals(n, analyzer.sessions().openSessions());
        analyzer.finish();
        assertEquals(n, records[0]);
        assertEquals(n - 1, unreachableAtLast[0], "sessions still held when the last record was handed on");
    }
}
