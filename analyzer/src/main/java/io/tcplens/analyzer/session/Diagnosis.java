package io.tcplens.analyzer.session;

import java.util.Locale;

/**
 * A verdict a person can act on, derived from the evidence of one session and naming it: a stable
 * {@code code} for scripts and a sentence for people. Ordered by how actionable the finding is:
 * failures to connect, then aborts and stalls, then loss, then what the capture could not show.
 *
 * @param code stable identifier: ok, evicted, fragments_dropped, port_closed, no_answer, reset_by_client, reset_by_server,
 *             receiver_stalled, heavy_loss, handshake_incomplete, midstream, close_incomplete, open
 * @param text one line naming the evidence
 */
public record Diagnosis(String code, String text) {

    /** retransmitted share of a side's data segments from which loss is "heavy" (and at least 3) */
    static final double HEAVY_LOSS = 0.05;
    /** a zero window held this long means the receiving application stopped reading */
    static final long STALL_NS = 200_000_000L;

    public static Diagnosis of(SessionRecord r) {
        SessionRecord.HandshakeInfo hs = r.handshake();
        if (r.endReason() == EndReason.EVICTED) {
            return new Diagnosis("evicted", "evicted from the full session table (--max-sessions) after "
                    + r.packets() + (r.packets() == 1 ? " packet" : " packets") + ": its analysis is incomplete");
        }
        if (r.fragmentsDropped() > 0) {
            return new Diagnosis("fragments_dropped", r.fragmentsDropped()
                    + (r.fragmentsDropped() == 1 ? " IP fragment of this session was" : " IP fragments of this session were")
                    + " never reassembled (reassembly memory full, timed out, or cut by the end of the capture):"
                    + " its analysis is incomplete");
        }
        switch (hs.status()) {
            case REFUSED:
                return new Diagnosis("port_closed", "port closed: SYN answered by RST (nothing listens on "
                        + r.serverPort() + ")");
            case NO_ANSWER:
                return new Diagnosis("no_answer", String.format(Locale.ROOT, "no answer: %d SYN%s in %s, likely filtered",
                        r.synPackets(), r.synPackets() == 1 ? "" : "s", seconds(r.durationNs())));
            default:
                break;
        }
        SessionRecord.CloseInfo c = r.close();
        if (c.resetBy() != null) {
            String who = c.resetBy().jsonName();
            Long peerFin = c.resetBy() == Role.CLIENT ? c.serverFinNs() : c.clientFinNs();
            String when = hs.status() == HandshakeStatus.PARTIAL ? "during the handshake"
                    : peerFin != null && peerFin <= c.resetNs()
                        ? seconds(Saturating.between(peerFin, c.resetNs())) + " after the "
                            + c.resetBy().peer().jsonName() + "'s FIN"
                    : r.bytes() == 0 ? seconds(r.sinceStart(c.resetNs())) + " after it began, before any data"
                    : seconds(r.sinceStart(c.resetNs())) + " into the transfer";
            return new Diagnosis("reset_by_" + who, who + " reset the connection " + when);
        }
        SessionRecord.EndpointInfo stalled = longerZeroWindow(r);
        if (stalled != null && stalled.zeroWindowNs() >= STALL_NS) {
            String who = stalled == r.clientInfo() ? "client" : "server";
            return new Diagnosis("receiver_stalled", "receiver stalled: " + who + " advertised a zero window for "
                    + seconds(stalled.zeroWindowNs()));
        }
        String loss = heavyLoss(r);
        if (loss != null) {
            return new Diagnosis("heavy_loss", loss);
        }
        if (hs.status() == HandshakeStatus.PARTIAL) {
            return new Diagnosis("handshake_incomplete", r.synackPackets() == 0
                    ? "handshake incomplete: no SYN-ACK seen"
                    : hs.ackNs() == null && hs.synackNs() != null && r.packetsC2s() <= r.synPackets()
                        ? "handshake incomplete: the SYN-ACK was never acknowledged"
                        : "handshake incomplete: the SYN-ACK and final ACK did not match the SYN");
        }
        if (hs.status() == HandshakeStatus.NOT_SEEN) {
            return new Diagnosis("midstream", "capture began mid-session: handshake not seen");
        }
        return switch (r.outcome()) {
            case CLOSED -> new Diagnosis("ok", "closed normally, " + c.initiator().jsonName() + " closed first");
            case CLOSING -> new Diagnosis("close_incomplete", c.initiator().jsonName() + " closed, "
                    + c.initiator().peer().jsonName() + (closedBothWays(r) ? "'s FIN was not acknowledged"
                    : " never closed its side"));
            default -> new Diagnosis("open", switch (r.endReason()) {
                case IDLE_TIMEOUT -> "idle, no FIN or RST before the idle timeout";
                default -> "still open at the end of the capture";
            });
        };
    }

    private static boolean closedBothWays(SessionRecord r) {
        return r.close().clientFinNs() != null && r.close().serverFinNs() != null;
    }

    private static SessionRecord.EndpointInfo longerZeroWindow(SessionRecord r) {
        SessionRecord.EndpointInfo c = r.clientInfo();
        SessionRecord.EndpointInfo s = r.serverInfo();
        if (c.zeroWindowNs() == 0 && s.zeroWindowNs() == 0) {
            return null;
        }
        return c.zeroWindowNs() >= s.zeroWindowNs() ? c : s;
    }

    private static String heavyLoss(SessionRecord r) {
        String worst = null;
        double worstShare = 0;
        for (Role side : Role.values()) {
            SessionRecord.EndpointInfo info = side == Role.CLIENT ? r.clientInfo() : r.serverInfo();
            long retransmitted = retransmissions(r, side);
            if (info.dataSegments() == 0 || retransmitted < 3) {
                continue;
            }
            double share = (double) retransmitted / info.dataSegments();
            if (share >= HEAVY_LOSS && share > worstShare) {
                worstShare = share;
                worst = String.format(Locale.ROOT, "heavy loss: %.0f %% of %s segments retransmitted (%d of %d)",
                        Math.min(100, share * 100), side.jsonName(), retransmitted, info.dataSegments());
            }
        }
        return worst;
    }

    /**
     * retransmitted segments a side sent, by Wireshark's flags: tshark marks fast and spurious
     * retransmissions with {@code tcp.analysis.retransmission} too, so that one count covers them
     */
    static long retransmissions(SessionRecord r, Role side) {
        return side == Role.CLIENT ? r.anomalies().c2s(Anomaly.RETRANSMISSION) : r.anomalies().s2c(Anomaly.RETRANSMISSION);
    }

    private static String seconds(long ns) {
        if (ns < 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.0f ms", ns / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f s", ns / 1e9);
    }
}
