package io.tcplens.cli.render;

import io.tcplens.analyzer.session.Anomaly;
import io.tcplens.analyzer.session.HandshakeStatus;
import io.tcplens.analyzer.session.Outcome;
import io.tcplens.analyzer.session.Role;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.analyzer.session.Step;
import io.tcplens.analyzer.session.TcpState;
import io.tcplens.analyzer.session.TimelineEvent;

import java.io.IOException;
import java.io.Writer;
import java.util.EnumMap;
import java.util.List;
import java.util.TreeMap;
import java.util.Locale;
import java.util.Map;

/**
 * The terminal timeline: per session a header line (client → server, duration, packets, bytes,
 * outcome), then its phases, each step with the socket call and the RFC 9293 states it stands for;
 * a footer counts sessions by outcome.
 */
public final class TextRenderer implements SessionSink {

    private final Writer out;
    private final boolean timeline;
    private final Map<Outcome, Long> byOutcome = new EnumMap<>(Outcome.class);
    private long clientClosedFirst;
    private long serverClosedFirst;
    private long handshakeNotSeen;
    private long sessions;
    private long malformedSegments;
    private final FirstIds malformedSessions = new FirstIds();
    private final Map<String, FirstIds> byVerdict = new TreeMap<>();

    /** @param timeline false for header lines only */
    public TextRenderer(Writer out, boolean timeline) {
        this.out = out;
        this.timeline = timeline;
    }

    @Override
    public void session(SessionRecord r) throws IOException {
        sessions++;
        Outcome outcome = r.outcome();
        byOutcome.merge(outcome, 1L, Long::sum);
        if (outcome == Outcome.CLOSED) {
            if (r.close().initiator() == Role.CLIENT) {
                clientClosedFirst++;
            } else if (r.close().initiator() == Role.SERVER) {
                serverClosedFirst++;
            }
        }
        if (r.handshake().status() == HandshakeStatus.NOT_SEEN) {
            handshakeNotSeen++;
        }
        byVerdict.computeIfAbsent(r.diagnosis().code(), k -> new FirstIds()).add(r.id());
        long malformed = r.clientInfo().malformedSegments() + r.serverInfo().malformedSegments();
        if (malformed > 0) {
            malformedSegments += malformed;
            malformedSessions.add(r.id());
        }
        header(text, r).append('\n');
        if (timeline) {
            writeTimeline(r);
            text.append('\n');
        }
        writeText();
    }

    /** the text being built: a session's, or the footer; written out whole by {@link #writeText} */
    private final StringBuilder text = new StringBuilder(2048);
    private char[] chars = new char[2048];

    private void writeText() throws IOException {
        int n = text.length();
        if (chars.length < n) {
            chars = new char[Math.max(n, 2 * chars.length)];
        }
        text.getChars(0, n, chars, 0);
        text.setLength(0);
        out.write(chars, 0, n);
    }

    static String header(SessionRecord r) {
        return header(new StringBuilder(160), r).toString();
    }

    private static StringBuilder header(StringBuilder sb, SessionRecord r) {
        Units.endpoint(sb.append('#').append(r.id()).append("  "), r.clientAddr(), r.clientPort()).append(" → ");
        Units.endpoint(sb, r.serverAddr(), r.serverPort()).append("  IPv").append(r.ipVersion()).append("  ");
        Units.duration(sb, r.durationNs()).append("  ");
        Units.plural(sb, r.packets(), "pkt", "pkts").append("  ");
        Units.bytes(sb, r.bytes()).append("  ");
        return verdict(sb, r);
    }

    /** The outcome in words: "complete, client closed first", "refused: SYN answered by RST", ... */
    public static String verdict(SessionRecord r) {
        return verdict(new StringBuilder(64), r).toString();
    }

    private static StringBuilder verdict(StringBuilder sb, SessionRecord r) {
        HandshakeStatus hs = r.handshake().status();
        String closer = r.close().initiator() == null ? "" : r.close().initiator().jsonName();
        switch (r.outcome()) {
            case REFUSED -> sb.append("refused: SYN answered by RST");
            case NO_ANSWER -> Units.duration(Units.plural(sb.append("no answer: "), r.synPackets(), "SYN", "SYNs")
                    .append(" in "), r.durationNs());
            case RESET -> Units.duration(sb.append(prefix(hs)).append("reset by ").append(r.close().resetBy().jsonName())
                    .append(' '), r.sinceStart(r.close().resetNs())).append(" in");
            case CLOSED -> sb.append(prefix(hs)).append(hs == HandshakeStatus.COMPLETE ? "complete, " : "closed, ")
                    .append(closer).append(" closed first");
            case CLOSING -> sb.append(prefix(hs)).append(closer).append(" closed first, close not completed");
            case OPEN -> sb.append(prefix(hs)).append(switch (r.endReason()) {
                case IDLE_TIMEOUT -> "idle, no FIN or RST";
                case PORT_REUSED -> "replaced by a new connection on the same ports";
                case EVICTED -> "evicted from the full session table (--max-sessions)";
                default -> "open at end of capture";
            });
        }
        if (r.close().halfClose()) {
            sb.append(", half-close");
        }
        if (r.close().simultaneous()) {
            sb.append(", simultaneous close");
        }
        return sb;
    }

    private static String prefix(HandshakeStatus hs) {
        return switch (hs) {
            case NOT_SEEN -> "handshake not seen, ";
            case PARTIAL -> "handshake incomplete, ";
            default -> "";
        };
    }

    private void writeTimeline(SessionRecord r) {
        SessionRecord.HandshakeInfo hs = r.handshake();
        if (hs.status() == HandshakeStatus.NOT_SEEN) {
            line("  handshake  not seen: the connection was open before the capture began");
        }
        boolean dataShown = false;
        List<TimelineEvent> steps = r.timeline();
        for (int i = 0; i < steps.size(); i++) {
            TimelineEvent e = steps.get(i);
            if (!dataShown && isCloseStep(e.step())) {
                writeData(r);
                dataShown = true;
            }
            int lineStart = text.length();
            // one FIN,ACK segment both acknowledges the peer's FIN and closes this side
            boolean finAck = e.step() == Step.FIN_ACKED && i + 1 < steps.size() && samePacket(e, steps.get(i + 1))
                    && steps.get(i + 1).step() == Step.FIN;
            TimelineEvent acked = e;
            if (finAck) {
                e = steps.get(++i);
            }
            text.append("  ");
            Units.padded(text, phaseOf(e.step()), 9).append("  ");
            Units.offset(text, r.sinceStart(e.tsNs())).append("  ");
            Units.padded(text, e.from().jsonName(), 6).append(' ').append(arrow(e.from())).append("  ");
            if (finAck) {
                text.append("FIN,ACK      acknowledges the ").append(e.from().peer().jsonName()).append("'s FIN, and ");
                int what = text.length();
                describe(text, r, e);
                text.delete(what, what + 13);   // the FIN's own "FIN          "
            } else if (!describe(text, r, acked)) {
                text.setLength(lineStart);
                continue;
            }
            text.append('\n');
        }
        if (!dataShown) {
            writeData(r);
        }
        if (r.close().kind() == io.tcplens.analyzer.session.CloseKind.NONE
                && hs.status() != HandshakeStatus.REFUSED && hs.status() != HandshakeStatus.NO_ANSWER) {
            line("  close      not seen: no FIN or RST in the capture");
        }
        if (r.packetsS2c() > 0 || r.bytes() > 0) {
            endpointSummary(text.append("  client     "), r.clientInfo()).append('\n');
            endpointSummary(text.append("  server     "), r.serverInfo()).append('\n');
        }
        anomaliesLine("  anomalies  client → server: ", r.anomalies().c2s());
        anomaliesLine("  anomalies  server → client: ", r.anomalies().s2c());
        text.append("  verdict    ").append(r.diagnosis().text()).append("   [").append(r.diagnosis().code())
                .append("; Zeek ").append(r.zeek().connState());
        if (!r.zeek().history().isEmpty()) {
            text.append(' ').append(r.zeek().history());
        }
        text.append("]\n");
    }

    /** "MSS 1460, wscale 7, SACK, TS; window 64 kB; RTT 20–30 µs, mean 25 µs (3 samples); 303 B unique" */
    private static StringBuilder endpointSummary(StringBuilder sb, SessionRecord.EndpointInfo e) {
        int options = sb.length();
        if (e.mss() >= 0) {
            sb.append("MSS ").append(e.mss());
        }
        if (e.windowScale() >= 0) {
            sb.append(sb.length() > options ? ", " : "").append("wscale ").append(e.windowScale());
        }
        if (e.sackPermitted()) {
            sb.append(sb.length() > options ? ", " : "").append("SACK");
        }
        if (e.timestamps()) {
            sb.append(sb.length() > options ? ", " : "").append("TS");
        }
        if (sb.length() == options) {
            sb.append("no SYN options seen");
        }
        if (e.lastWindow() >= 0) {
            Units.bytes(sb.append("; window "), e.lastWindow());
        }
        if (e.rttSamples() > 0) {
            sb.append("; RTT ");
            if (e.rttSamples() == 1) {
                Units.duration(sb, e.rttMinNs());
            } else {
                Units.duration(Units.duration(Units.duration(sb, e.rttMinNs()).append('–'), e.rttMaxNs())
                        .append(", mean "), e.rttMeanNs());
            }
            Units.plural(sb.append(" ("), e.rttSamples(), "sample", "samples").append(')');
        }
        Units.bytes(sb.append("; "), e.uniqueBytes()).append(" unique");
        if (e.zeroWindowEpisodes() > 0) {
            Units.duration(sb.append("; zero window ").append(e.zeroWindowEpisodes()).append("x, "), e.zeroWindowNs());
        }
        if (e.oversizeSegments() > 0) {
            Units.plural(sb.append("; "), e.oversizeSegments(), "segment", "segments")
                    .append(" above the peer's MSS (GRO/TSO)");
        }
        if (e.badChecksums() > 0) {
            sb.append("; ").append(e.badChecksums()).append(" bad checksums");
        }
        if (e.malformedSegments() > 0) {
            Units.plural(sb.append("; "), e.malformedSegments(), "malformed segment", "malformed segments")
                    .append(" (nonsense flags or options)");
        }
        return sb.append("; ends ").append(e.finalState().rfcName());
    }

    /** "retransmission 2, duplicate ack 1" for the anomalies present (Wireshark's names, packet counts) */
    private static StringBuilder anomalies(StringBuilder sb, Map<Anomaly, Long> counts) {
        int start = sb.length();
        for (Anomaly a : Anomaly.values()) {
            long n = counts.getOrDefault(a, 0L);
            if (n > 0) {
                sb.append(sb.length() == start ? "" : ", ").append(a.jsonName().replace('_', ' ')).append(' ').append(n);
            }
        }
        return sb;
    }

    /** the label and the anomalies, as a line, when there are any */
    private void anomaliesLine(String label, Map<Anomaly, Long> counts) {
        int start = text.length();
        int list = text.append(label).length();
        if (anomalies(text, counts).length() == list) {
            text.setLength(start);
        } else {
            text.append('\n');
        }
    }

    private void writeData(SessionRecord r) {
        if (r.bytes() == 0) {
            if (r.handshake().status() == HandshakeStatus.COMPLETE || r.handshake().status() == HandshakeStatus.NOT_SEEN) {
                line("  data       none");
            }
            return;
        }
        SessionRecord.DataInfo d = r.data();
        text.append("  data       client → server ");
        Units.plural(Units.bytes(text, r.bytesC2s()).append(" in "), d.dataPacketsC2s(), "segment", "segments")
                .append(", server → client ");
        Units.plural(Units.bytes(text, r.bytesS2c()).append(" in "), d.dataPacketsS2c(), "segment", "segments");
        if (d.firstC2sNs() != null || d.firstS2cNs() != null) {
            Units.offset(text.append(", from "), r.sinceStart(Math.min(orMax(d.firstC2sNs()), orMax(d.firstS2cNs()))));
            Units.offset(text.append(" to "), r.sinceStart(d.lastDataNs()));
        }
        text.append('\n');
    }

    private static boolean samePacket(TimelineEvent x, TimelineEvent y) {
        return x.tsNs() == y.tsNs() && x.from() == y.from() && x.relSeq() == y.relSeq();
    }

    private static long orMax(Long v) {
        return v == null ? Long.MAX_VALUE : v;
    }

    private static boolean isCloseStep(Step s) {
        return s == Step.FIN || s == Step.FIN_ACKED || s == Step.RST;
    }

    private static String phaseOf(Step s) {
        return switch (s) {
            case SYN, SYN_ACK, SYN_ACK_UNVALIDATED, HANDSHAKE_ACK -> "handshake";
            case FIRST_DATA -> "data";
            case FIN, FIN_ACKED, RST -> "close";
        };
    }

    private static String arrow(Role from) {
        return from == Role.CLIENT ? "→" : "←";
    }

    /** The step in socket terms, appended to {@code sb}; false (nothing appended) for steps the timeline does not show. */
    static boolean describe(StringBuilder sb, SessionRecord r, TimelineEvent e) {
        String self = e.from().jsonName();
        String peer = e.from().peer().jsonName();
        switch (e.step()) {
            case SYN -> {
                sb.append("SYN          connect(): ").append(self).append(' ').append(state(e.senderState()));
                if (r.handshake().synRetries() > 0) {
                    Units.plural(sb.append(" ("), r.handshake().synRetries(), "retry", "retries").append(')');
                }
            }
            case SYN_ACK -> sb.append("SYN-ACK      acknowledges the SYN: ").append(self).append(' ')
                    .append(state(e.senderState())).append(", ").append(peer).append(' ')
                    .append(state(e.receiverState())).append(" (connect() returns)");
            case SYN_ACK_UNVALIDATED -> {
                if (r.handshake().synNs() == null) {
                    sb.append("SYN-ACK      (the SYN was not captured): ").append(self).append(' ')
                            .append(state(e.senderState()));
                } else {
                    sb.append("SYN-ACK      does NOT acknowledge the SYN's ISN+1");
                }
            }
            case HANDSHAKE_ACK -> {
                sb.append("ACK          handshake complete: ").append(peer).append(" accept() returns, ").append(peer)
                        .append(' ').append(state(e.receiverState()));
                if (r.handshake().rttNs() != null) {
                    Units.duration(sb.append("; initial RTT "), r.handshake().rttNs());
                }
            }
            case FIRST_DATA -> {
                return false;
            }
            case FIN -> sb.append("FIN          ").append(e.senderState() == TcpState.LAST_ACK
                        ? "close() after the peer's FIN: " : "close() or shutdown(SHUT_WR): ")
                    .append(self).append(' ').append(state(e.senderState())).append(", ").append(peer).append(' ')
                    .append(state(e.receiverState()));
            case FIN_ACKED -> sb.append("ACK of FIN   ").append(peer).append(' ').append(state(e.receiverState()));
            case RST -> {
                if (r.outcome() == Outcome.REFUSED && e.from() == Role.SERVER) {
                    sb.append("RST          nothing listens on port ").append(r.serverPort())
                            .append(": connect() fails (ECONNREFUSED)");
                } else {
                    sb.append("RST          ").append(self).append(" aborts the connection: both CLOSED");
                }
            }
        }
        return true;
    }

    private static String state(TcpState s) {
        return s.rfcName();
    }

    private void line(String s) {
        text.append(s).append('\n');
    }

    /**
     * How many sessions, and the {@value #SHOWN} lowest ids among them: the first ones in id order
     * whatever order the sessions are rendered in (they end in any order).
     */
    static final class FirstIds {
        static final int SHOWN = 8;
        private final long[] lowest = new long[SHOWN];
        private int shown;
        private long count;

        void add(long id) {
            count++;
            if (shown == SHOWN && id >= lowest[SHOWN - 1]) {
                return;
            }
            int i = shown < SHOWN ? shown++ : SHOWN - 1;
            while (i > 0 && lowest[i - 1] > id) {
                lowest[i] = lowest[i - 1];
                i--;
            }
            lowest[i] = id;
        }

        long count() {
            return count;
        }

        /** how many ids are kept: at most {@value #SHOWN} */
        int shown() {
            return shown;
        }

        /** the i-th lowest id */
        long get(int i) {
            return lowest[i];
        }
    }

    @Override
    public void finish(RunTotals totals) throws IOException {
        if (!byVerdict.isEmpty()) {
            line("verdicts:");
            for (Map.Entry<String, FirstIds> v : byVerdict.entrySet()) {
                FirstIds ids = v.getValue();
                StringBuilder sessionsList = new StringBuilder();
                if (!v.getKey().equals("ok")) {
                    for (int i = 0; i < ids.shown(); i++) {
                        sessionsList.append(i == 0 ? "" : " ").append('#').append(ids.get(i));
                    }
                    if (ids.count() > FirstIds.SHOWN) {
                        sessionsList.append(" …");
                    }
                }
                line(String.format(Locale.ROOT, "  %6d  %-20s %s", ids.count(), v.getKey(), sessionsList).stripTrailing());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(Units.plural(sessions, "session", "sessions"));
        if (sessions > 0) {
            sb.append(": ");
            String sep = "";
            for (Outcome o : Outcome.values()) {
                long n = byOutcome.getOrDefault(o, 0L);
                if (n == 0) {
                    continue;
                }
                sb.append(sep).append(n).append(' ').append(o.jsonName().replace('_', ' '));
                if (o == Outcome.CLOSED) {
                    sb.append(" (").append(clientClosedFirst).append(" client first, ")
                            .append(serverClosedFirst).append(" server first)");
                }
                sep = ", ";
            }
            if (handshakeNotSeen > 0) {
                sb.append("; ").append(handshakeNotSeen).append(" began before the capture");
            }
        }
        line(sb.toString());
        line(String.format(Locale.ROOT, "%s read: %d TCP, %d other", Units.plural(totals.frames(), "frame", "frames"),
                totals.tcpSegments(), totals.otherFrames()));
        if (malformedSegments > 0) {
            StringBuilder ids = new StringBuilder();
            for (int i = 0; i < malformedSessions.shown(); i++) {
                ids.append(" #").append(malformedSessions.get(i));
            }
            line(Units.plural(malformedSegments, "malformed TCP segment", "malformed TCP segments")
                    + " (nonsense flags or options), in sessions" + ids
                    + (malformedSessions.shown() == FirstIds.SHOWN ? " …" : ""));
        }
        writeText();
        out.flush();
    }
}
