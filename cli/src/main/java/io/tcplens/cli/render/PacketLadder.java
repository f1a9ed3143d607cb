package io.tcplens.cli.render;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tcplens.analyzer.session.Anomaly;
import io.tcplens.analyzer.session.Phase;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.analyzer.session.TcpState;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/**
 * One session's packets as a ladder in the terminal ({@code tcplens show}): the client's state on
 * the left, an arrow per packet labelled with flags, relative seq/ack and length, the server's
 * state on the right, then phase and anomalies. ANSI colors by phase when asked (a terminal).
 * Or, as JSON Lines, one object per packet.
 */
public final class PacketLadder {

    private static final String RESET = "\u001b[0m";
    private static final String[] PHASE_COLOR = {"\u001b[34m", "\u001b[32m", "\u001b[33m"};
    private static final String RED = "\u001b[31m";
    private static final String BOLD = "\u001b[1m";
    private static final String DIM = "\u001b[2m";
    private static final int ARROW = 44;
    private static final TcpState[] STATES = TcpState.values();

    private PacketLadder() {
    }

    public static void text(SessionRecord r, PacketStore.Packets p, Writer out, boolean color) throws IOException {
        out.write((color ? BOLD : "") + TextRenderer.header(r) + (color ? RESET : "") + "\n");
        out.write("  diagnosis: " + r.diagnosis().code() + " — " + r.diagnosis().text() + "\n");
        String anomalies = anomalySummary(r);
        if (!anomalies.isEmpty()) {
            out.write("  anomalies: " + (color ? RED : "") + anomalies + (color ? RESET : "") + "\n");
        }
        out.write('\n');
        String client = "client " + Units.endpoint(r.clientAddr(), r.clientPort());
        String server = "server " + Units.endpoint(r.serverAddr(), r.serverPort());
        out.write(String.format(Locale.ROOT, "  %4s  %-10s %12s  %-" + ARROW + "s  %-12s  %s%n",
                "no.", "time", "client", "", "server", "phase"));
        out.write(String.format(Locale.ROOT, "  %4s  %-10s %12s  %-" + ARROW + "s  %s%n", "", "",
                "", center(client + "   ⇄   " + server, ARROW), ""));
        Phase[] phases = Phase.values();
        for (int i = 0; i < p.count(); i++) {
            boolean c2s = p.fromClient(i);
            String label = Units.flags(p.flags(i)) + " seq=" + p.relSeq(i)
                    + (p.relAck(i) >= 0 ? " ack=" + p.relAck(i) : "") + " len=" + p.length(i);
            String arrow = arrow(label, c2s);
            String sender = STATES[p.senderState(i)].rfcName();
            String receiver = STATES[p.receiverState(i)].rfcName();
            String cState = c2s ? sender : receiver;
            String sState = c2s ? receiver : sender;
            boolean rst = (p.flags(i) & 0x04) != 0;
            String col = !color ? "" : rst ? RED : PHASE_COLOR[p.phase(i)];
            String anomaly = labels(p.anomalies(i));
            out.write(String.format(Locale.ROOT, "  %4d  %-10s %12s  %s%s%s  %-12s  %s%s%n", i + 1,
                    Units.offset(r.sinceStart(p.tsNs(i))), cState, col, arrow, color ? RESET : "", sState,
                    color ? DIM + phases[p.phase(i)].label() + RESET : phases[p.phase(i)].label(),
                    anomaly.isEmpty() ? "" : (color ? RED : "") + "  [" + anomaly + "]" + (color ? RESET : "")));
        }
        if (p.seen() > p.count()) {
            out.write("  ... " + (p.seen() - p.count()) + " more packets not shown\n");
        }
    }

    static String center(String s, int width) {
        int pad = Math.max(0, width - s.length());
        return " ".repeat(pad / 2) + s + " ".repeat(pad - pad / 2);
    }

    /** "──SYN seq=0 len=0─────────▶" or "◀──SYN,ACK seq=0 ack=1 len=0──────" */
    static String arrow(String label, boolean right) {
        int dashes = Math.max(2, ARROW - label.length() - 3);
        return right ? "──" + label + "─".repeat(dashes) + "▶" : "◀" + "─".repeat(dashes) + label + "──";
    }

    static String labels(int bits) {
        StringBuilder sb = new StringBuilder();
        for (Anomaly a : Anomaly.values()) {
            if (Anomaly.has(bits, a)) {
                sb.append(sb.length() == 0 ? "" : ", ").append(a.jsonName().replace('_', ' '));
            }
        }
        return sb.toString();
    }

    static String anomalySummary(SessionRecord r) {
        StringBuilder sb = new StringBuilder();
        for (Anomaly a : Anomaly.values()) {
            long c = r.anomalies().c2s(a);
            long s = r.anomalies().s2c(a);
            if (c + s > 0) {
                sb.append(sb.length() == 0 ? "" : ", ").append(a.jsonName().replace('_', ' '))
                  .append(" ").append(c).append(" c→s ").append(s).append(" s→c");
            }
        }
        return sb.toString();
    }

    /** one JSON object per packet */
    public static void jsonl(SessionRecord r, PacketStore.Packets p, Writer out) throws IOException {
        JsonGenerator g = new JsonFactory().createGenerator(out);
        g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        g.setRootValueSeparator(null);
        Phase[] phases = Phase.values();
        for (int i = 0; i < p.count(); i++) {
            boolean c2s = p.fromClient(i);
            g.writeStartObject();
            g.writeNumberField("session", r.id());
            g.writeNumberField("no", i + 1);
            g.writeNumberField("ts_ns", p.tsNs(i));
            g.writeNumberField("rel_ns", r.sinceStart(p.tsNs(i)));
            g.writeStringField("dir", c2s ? "c2s" : "s2c");
            g.writeStringField("flags", Units.flags(p.flags(i)));
            g.writeNumberField("seq", p.relSeq(i));
            if (p.relAck(i) >= 0) {
                g.writeNumberField("ack", p.relAck(i));
            } else {
                g.writeNullField("ack");
            }
            g.writeNumberField("len", p.length(i));
            g.writeNumberField("win", p.window(i));
            g.writeStringField("phase", phases[p.phase(i)].label());
            g.writeStringField("client_state", STATES[c2s ? p.senderState(i) : p.receiverState(i)].rfcName());
            g.writeStringField("server_state", STATES[c2s ? p.receiverState(i) : p.senderState(i)].rfcName());
            g.writeArrayFieldStart("anomalies");
            for (Anomaly a : Anomaly.values()) {
                if (Anomaly.has(p.anomalies(i), a)) {
                    g.writeString(a.jsonName());
                }
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
            out.write('\n');
        }
        out.flush();
    }
}
