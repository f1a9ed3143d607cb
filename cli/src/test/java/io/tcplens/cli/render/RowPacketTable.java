package io.tcplens.cli.render;

import io.tcplens.analyzer.decode.TcpSegment;
import io.tcplens.analyzer.session.Anomaly;
import io.tcplens.analyzer.session.PacketListener;
import io.tcplens.analyzer.session.Phase;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.analyzer.session.TcpSession;
import io.tcplens.analyzer.session.TcpState;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Test oracle: {@link PacketTable} as it was before it streamed its packets (one row object per
 * packet, all held until the session ends), kept to check that the streamed table is the same bytes.
 */
final class RowPacketTable implements PacketListener {

    private record Row(long tsNs, boolean fromA, int flags, long relSeq, long relAck, boolean hasAck,
                       int length, int window, Phase phase, TcpState senderState, TcpState receiverState,
                       int anomalies) {
    }

    private final long sessionId;
    private final List<Row> rows = new ArrayList<>();
    private TcpSession session;

    RowPacketTable(long sessionId) {
        this.sessionId = sessionId;
    }

    @Override
    public void onPacket(TcpSession s, boolean fromA, TcpSegment seg, long tsNs, Phase phase) {
        if (s.id() != sessionId) {
            return;
        }
        session = s;
        rows.add(new Row(tsNs, fromA, seg.flags(), s.relativeSeq(fromA, seg.seq()),
                s.relativeAck(fromA, seg.ack()), seg.ackFlag(), seg.payloadLength(), seg.window(), phase,
                (fromA ? s.a() : s.b()).state(), (fromA ? s.b() : s.a()).state(), s.lastAnomalies()));
    }

    /** "  [retransmission, duplicate ack]" or "" */
    private static String labels(int bits) {
        if (bits == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder("  [");
        for (Anomaly a : Anomaly.values()) {
            if (Anomaly.has(bits, a)) {
                sb.append(sb.length() == 3 ? "" : ", ").append(a.jsonName().replace('_', ' '));
            }
        }
        return sb.append(']').toString();
    }

    void write(SessionRecord r, Writer out) throws IOException {
        out.write(TextRenderer.header(r));
        out.write('\n');
        out.write(String.format(Locale.ROOT, "  %4s  %-10s %-4s %-5s %10s %10s %6s %6s  %-9s  %s%s%n",
                "no.", "time", "dir", "flags", "seq", "ack", "len", "win", "phase", "sender state → receiver state", ""));
        boolean aIsClient = session == null || session.client() == session.a();
        int n = 1;
        for (Row row : rows) {
            boolean fromClient = row.fromA == aIsClient;
            out.write(String.format(Locale.ROOT, "  %4d  %-10s %-4s %-5s %10d %10s %6d %6d  %-9s  %s %s → %s %s%s%n",
                    n++, Units.offset(r.sinceStart(row.tsNs)), fromClient ? "c→s" : "c←s",
                    Units.flags(row.flags), row.relSeq, row.hasAck ? Long.toString(row.relAck) : "-",
                    row.length, row.window, row.phase.label(),
                    fromClient ? "client" : "server", row.senderState.rfcName(),
                    fromClient ? "server" : "client", row.receiverState.rfcName(), labels(row.anomalies)));
        }
    }
}
