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
import java.util.ArrayList;
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
        out.write(header(r));
        out.write('\n');
        if (timeline) {
            writeTimeline(r);
            out.write('\n');
        }
    }

    static String header(SessionRecord r) {
        return "#" + r.id() + "  " + Units.endpoint(r.clientAddr(), r.clientPort())
                + " → " + Units.endpoint(r.serverAddr(), r.serverPort())
                + "  IPv" + r.ipVersion()
                + "  " + Units.duration(r.durationNs())
                + "  " + Units.plural(r.packets(), "pkt", "pkts")
                + "  " + Units.bytes(r.bytes())
                + "  " + verdict(r);
    }

    /** The outcome in words: "complete, client closed first", "refused: SYN answered by RST", ... */
    public static String verdict(SessionRecord r) {
        StringBuilder sb = new StringBuilder();
        HandshakeStatus hs = r.handshake().status();
        String closer = r.close().initiator() == null ? "" : r.close().initiator().jsonName();
        switch (r.outcome()) {
            case REFUSED -> sb.append("refused: SYN answered by RST");
            case NO_ANSWER -> sb.append("no answer: ").append(Units.plural(r.synPackets(), "SYN", "SYNs"))
                    .append(" in ").append(Units.duration(r.durationNs()));
            case RESET -> sb.append(prefix(hs)).append("reset by ").append(r.close().resetBy().jsonName())
                    .append(" ").append(Units.duration(r.close().resetNs() - r.startNs())).append(" in");
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
        return sb.toString();
    }

    private static String prefix(HandshakeStatus hs) {
        return switch (hs) {
            case NOT_SEEN -> "handshake not seen, ";
            case PARTIAL -> "handshake incomplete, ";
            default -> "";
        };
    }

    private void writeTimeline(SessionRecord r) throws IOException {
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
            String what;
            if (e.step() == Step.FIN_ACKED && i + 1 < steps.size() && samePacket(e, steps.get(i + 1))
                    && steps.get(i + 1).step() == Step.FIN) {
                // one FIN,ACK segment both acknowledges the peer's FIN and closes this side
                TimelineEvent fin = steps.get(++i);
                what = "FIN,ACK      acknowledges the " + fin.from().peer().jsonName() + "'s FIN, and "
                        + describe(r, fin).substring(13);
                e = fin;
            } else {
                what = describe(r, e);
            }
            if (what != null) {
                StringBuilder sb = new StringBuilder(128).append("  ");
                Units.padded(sb, phaseOf(e.step()), 9).append("  ").append(Units.offset(e.tsNs() - r.startNs()))
                        .append("  ");
                Units.padded(sb, e.from().jsonName(), 6).append(' ').append(arrow(e.from())).append("  ").append(what);
                line(sb.toString());
            }
        }
        if (!dataShown) {
            writeData(r);
        }
        if (r.close().kind() == io.tcplens.analyzer.session.CloseKind.NONE
                && hs.status() != HandshakeStatus.REFUSED && hs.status() != HandshakeStatus.NO_ANSWER) {
            line("  close      not seen: no FIN or RST in the capture");
        }
        if (r.packetsS2c() > 0 || r.bytes() > 0) {
            line("  client     " + endpointSummary(r.clientInfo()));
            line("  server     " + endpointSummary(r.serverInfo()));
        }
        String c2s = anomalies(r.anomalies().c2s());
        String s2c = anomalies(r.anomalies().s2c());
        if (!c2s.isEmpty()) {
            line("  anomalies  client → server: " + c2s);
        }
        if (!s2c.isEmpty()) {
            line("  anomalies  server → client: " + s2c);
        }
        line("  verdict    " + r.diagnosis().text() + "   [" + r.diagnosis().code() + "; Zeek " + r.zeek().connState()
                + (r.zeek().history().isEmpty() ? "" : " " + r.zeek().history()) + "]");
    }

    /** "MSS 1460, wscale 7, SACK, TS; window 64 kB; RTT 20–30 µs, mean 25 µs (3 samples); 303 B unique" */
    static String endpointSummary(SessionRecord.EndpointInfo e) {
        StringBuilder sb = new StringBuilder();
        List<String> opts = new ArrayList<>();
        if (e.mss() >= 0) {
            opts.add("MSS " + e.mss());
        }
        if (e.windowScale() >= 0) {
            opts.add("wscale " + e.windowScale());
        }
        if (e.sackPermitted()) {
            opts.add("SACK");
        }
        if (e.timestamps()) {
            opts.add("TS");
        }
        sb.append(opts.isEmpty() ? "no SYN options seen" : String.join(", ", opts));
        if (e.lastWindow() >= 0) {
            sb.append("; window ").append(Units.bytes(e.lastWindow()));
        }
        if (e.rttSamples() > 0) {
            sb.append("; RTT ").append(e.rttSamples() == 1 ? Units.duration(e.rttMinNs())
                    : Units.duration(e.rttMinNs()) + "–" + Units.duration(e.rttMaxNs()) + ", mean "
                    + Units.duration(e.rttMeanNs())).append(" (").append(Units.plural(e.rttSamples(), "sample", "samples"))
                    .append(")");
        }
        sb.append("; ").append(Units.bytes(e.uniqueBytes())).append(" unique");
        if (e.zeroWindowEpisodes() > 0) {
            sb.append("; zero window ").append(e.zeroWindowEpisodes()).append("x, ").append(Units.duration(e.zeroWindowNs()));
        }
        if (e.oversizeSegments() > 0) {
            sb.append("; ").append(Units.plural(e.oversizeSegments(), "segment", "segments")).append(" above the peer's MSS (GRO/TSO)");
        }
        if (e.badChecksums() > 0) {
            sb.append("; ").append(e.badChecksums()).append(" bad checksums");
        }
        if (e.malformedSegments() > 0) {
            sb.append("; ").append(Units.plural(e.malformedSegments(), "malformed segment", "malformed segments"))
                    .append(" (nonsense flags or options)");
        }
        sb.append("; ends ").append(e.finalState().rfcName());
        return sb.toString();
    }

    /** "retransmission 2, duplicate ack 1" for the anomalies present (Wireshark's names, packet counts) */
    static String anomalies(Map<Anomaly, Long> counts) {
        StringBuilder sb = new StringBuilder();
        for (Anomaly a : Anomaly.values()) {
            long n = counts.getOrDefault(a, 0L);
            if (n > 0) {
                sb.append(sb.length() == 0 ? "" : ", ").append(a.jsonName().replace('_', ' ')).append(' ').append(n);
            }
        }
        return sb.toString();
    }

    private void writeData(SessionRecord r) throws IOException {
        if (r.bytes() == 0) {
            if (r.handshake().status() == HandshakeStatus.COMPLETE || r.handshake().status() == HandshakeStatus.NOT_SEEN) {
                line("  data       none");
            }
            return;
        }
        SessionRecord.DataInfo d = r.data();
        String span = d.firstC2sNs() == null && d.firstS2cNs() == null ? ""
                : ", from " + Units.offset(Math.min(orMax(d.firstC2sNs()), orMax(d.firstS2cNs())) - r.startNs())
                        + " to " + Units.offset(d.lastDataNs() - r.startNs());
        line("  data       client → server " + Units.bytes(r.bytesC2s()) + " in "
                + Units.plural(d.dataPacketsC2s(), "segment", "segments") + ", server → client "
                + Units.bytes(r.bytesS2c()) + " in " + Units.plural(d.dataPacketsS2c(), "segment", "segments") + span);
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

    /** The step in socket terms; null for steps the timeline does not show. */
    static String describe(SessionRecord r, TimelineEvent e) {
        String self = e.from().jsonName();
        String peer = e.from().peer().jsonName();
        return switch (e.step()) {
            case SYN -> "SYN          connect(): " + self + " " + state(e.senderState())
                    + (r.handshake().synRetries() > 0
                        ? " (" + Units.plural(r.handshake().synRetries(), "retry", "retries") + ")" : "");
            case SYN_ACK -> "SYN-ACK      acknowledges the SYN: " + self + " " + state(e.senderState())
                    + ", " + peer + " " + state(e.receiverState()) + " (connect() returns)";
            case SYN_ACK_UNVALIDATED -> r.handshake().synNs() == null
                    ? "SYN-ACK      (the SYN was not captured): " + self + " " + state(e.senderState())
                    : "SYN-ACK      does NOT acknowledge the SYN's ISN+1";
            case HANDSHAKE_ACK -> "ACK          handshake complete: " + peer + " accept() returns, "
                    + peer + " " + state(e.receiverState())
                    + (r.handshake().rttNs() != null ? "; initial RTT " + Units.duration(r.handshake().rttNs()) : "");
            case FIRST_DATA -> null;
            case FIN -> "FIN          " + (e.senderState() == TcpState.LAST_ACK
                        ? "close() after the peer's FIN: " + self + " " + state(e.senderState())
                        : "close() or shutdown(SHUT_WR): " + self + " " + state(e.senderState()))
                    + ", " + peer + " " + state(e.receiverState());
            case FIN_ACKED -> "ACK of FIN   " + peer + " " + state(e.receiverState());
            case RST -> r.outcome() == Outcome.REFUSED && e.from() == Role.SERVER
                    ? "RST          nothing listens on port " + r.serverPort() + ": connect() fails (ECONNREFUSED)"
                    : "RST          " + self + " aborts the connection: both CLOSED";
        };
    }

    private static String state(TcpState s) {
        return s.rfcName();
    }

    private void line(String s) throws IOException {
        out.write(s);
        out.write('\n');
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
        out.flush();
    }
}
