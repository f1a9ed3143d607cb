package io.tcplens.cli.render;

import io.tcplens.analyzer.session.Role;
import io.tcplens.analyzer.session.SessionRecord;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Zeek's {@code conn.log} in its TSV form (the ASCII writer's default), one row per session, so
 * {@code zeek-cut} and the tools that ingest Zeek logs read it unchanged. Field by field as Zeek's
 * {@code base/protocols/conn/main.zeek} ({@code set_conn}) fills them:
 * <ul>
 *   <li>{@code id.orig_*}/{@code id.resp_*}: Zeek's originator ({@code SessionRecord.zeek().originator()});
 *   <li>{@code duration}, {@code orig_bytes}, {@code resp_bytes}: only when the duration is above 0
 *       (a one-packet connection leaves all three unset); bytes by sequence numbers, each once
 *       ({@code unique_bytes}), as Zeek's {@code TCP_Endpoint::Size};
 *   <li>{@code service}, {@code local_orig}, {@code local_resp}, {@code tunnel_parents}: unset (no
 *       protocol detection, no {@code Site::local_nets}, no tunnels decoded as Zeek connections);
 *   <li>{@code missed_bytes}: 0 (Zeek's default; content gaps are not counted in bytes here);
 *   <li>{@code orig_ip_bytes}/{@code resp_ip_bytes}: IP total lengths (header included) each way.
 * </ul>
 * {@code uid} is "C" and a base-62 hash of the session's endpoints, start and id: the same input
 * always gives the same uids.
 */
public final class ZeekConnLogRenderer implements SessionSink {

    static final String[] FIELDS = {"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
        "service", "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp", "missed_bytes",
        "history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents"};
    static final String[] TYPES = {"time", "string", "addr", "port", "addr", "port", "enum", "string", "interval",
        "count", "count", "string", "bool", "bool", "count", "string", "count", "count", "count", "count",
        "set[string]"};
    static final DateTimeFormatter OPEN = DateTimeFormatter.ofPattern("uuuu-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);
    private static final String UNSET = "-";

    private final Writer out;
    private final PacketStore packets;
    private final Clock clock;

    /**
     * Writes the header lines at once: they never depend on a session ({@code #open} is when the
     * report was begun), and so they come first whatever order the sessions are rendered in.
     *
     * @param packets the per-session IP byte counts (the analyzer's packet listener)
     */
    public ZeekConnLogRenderer(Writer out, PacketStore packets, Clock clock) throws IOException {
        this.out = out;
        this.packets = packets;
        this.clock = clock;
        header();
    }

    private void header() throws IOException {
        out.write("#separator \\x09\n");
        out.write("#set_separator\t,\n");
        out.write("#empty_field\t(empty)\n");
        out.write("#unset_field\t-\n");
        out.write("#path\tconn\n");
        out.write("#open\t" + OPEN.format(clock.instant()) + "\n");
        out.write("#fields\t" + String.join("\t", FIELDS) + "\n");
        out.write("#types\t" + String.join("\t", TYPES) + "\n");
    }

    @Override
    public void session(SessionRecord r) throws IOException {
        PacketStore.Packets p = packets.take(r.id());
        boolean clientOrig = r.zeek().originator() == Role.CLIENT;
        long dur = r.durationNs();
        SessionRecord.EndpointInfo orig = clientOrig ? r.clientInfo() : r.serverInfo();
        SessionRecord.EndpointInfo resp = clientOrig ? r.serverInfo() : r.clientInfo();
        String history = r.zeek().history();
        StringBuilder sb = new StringBuilder(200);
        sb.append(seconds(r.startNs())).append('\t')
          .append(uid(r)).append('\t')
          .append(clientOrig ? r.clientAddr() : r.serverAddr()).append('\t')
          .append(clientOrig ? r.clientPort() : r.serverPort()).append('\t')
          .append(clientOrig ? r.serverAddr() : r.clientAddr()).append('\t')
          .append(clientOrig ? r.serverPort() : r.clientPort()).append('\t')
          .append("tcp\t")
          .append(UNSET).append('\t')
          .append(dur > 0 ? seconds(dur) : UNSET).append('\t')
          .append(dur > 0 ? Long.toString(orig.uniqueBytes()) : UNSET).append('\t')
          .append(dur > 0 ? Long.toString(resp.uniqueBytes()) : UNSET).append('\t')
          .append(r.zeek().connState()).append('\t')
          .append(UNSET).append('\t')
          .append(UNSET).append('\t')
          .append(0).append('\t')
          .append(history == null || history.isEmpty() ? UNSET : escape(history)).append('\t')
          .append(clientOrig ? r.packetsC2s() : r.packetsS2c()).append('\t')
          .append(clientOrig ? p.ipBytesClient() : p.ipBytesServer()).append('\t')
          .append(clientOrig ? r.packetsS2c() : r.packetsC2s()).append('\t')
          .append(clientOrig ? p.ipBytesServer() : p.ipBytesClient()).append('\t')
          .append(UNSET).append('\n');
        out.write(sb.toString());
    }

    /**
     * Seconds with 6 decimals, as Zeek writes {@code time} and {@code interval}
     * ({@code Formatter::Render(double)}: {@code modp_dtoa(d, buf, 6)}, sign in front of the digits of
     * |d|), from the exact nanoseconds rounded half up (away from zero) to the microsecond, for the
     * whole long range ({@link Units#fixed}). Zeek works on a double, so it agrees wherever the
     * double holds the microsecond, and its modp_dtoa (src/modp_numtoa.c) switches to "%e" above
     * 2^31 − 1 s (2038); tcplens keeps the plain decimal, which zeek-cut and strtod read the same.
     */
    static String seconds(long ns) {
        return Units.fixed(ns, 9, 6, false);
    }

    /** "C" + base 62 of 96 bits of SHA-256 over the endpoints, start and id: stable for a given input */
    static String uid(SessionRecord r) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            String key = r.ipVersion() + "|" + r.clientAddr() + "|" + r.clientPort() + "|" + r.serverAddr() + "|"
                    + r.serverPort() + "|" + r.startNs() + "|" + r.id();
            byte[] h = md.digest(key.getBytes(StandardCharsets.UTF_8));
            BigInteger n = new BigInteger(1, java.util.Arrays.copyOf(h, 12));
            String digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
            BigInteger b62 = BigInteger.valueOf(62);
            StringBuilder sb = new StringBuilder(18);
            while (n.signum() > 0) {
                BigInteger[] qr = n.divideAndRemainder(b62);
                sb.append(digits.charAt(qr[1].intValue()));
                n = qr[0];
            }
            return "C" + sb.reverse();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** the ASCII writer's escaping of the separator and non-printable bytes */
    private static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '\t' || c < 0x20 || c == 0x7f || c == '\\') {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public void finish(RunTotals totals) throws IOException {
        out.write("#close\t" + OPEN.format(clock.instant()) + "\n");
        out.flush();
    }
}
