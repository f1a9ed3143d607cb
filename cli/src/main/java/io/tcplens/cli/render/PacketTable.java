package io.tcplens.cli.render;

import io.tcplens.analyzer.decode.TcpSegment;
import io.tcplens.analyzer.session.Anomaly;
import io.tcplens.analyzer.session.PacketListener;
import io.tcplens.analyzer.session.Phase;
import io.tcplens.analyzer.session.SessionRecord;
import io.tcplens.analyzer.session.TcpSession;
import io.tcplens.analyzer.session.TcpState;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Every packet of one session ({@code analyze --session ID}): time, direction, flags, relative
 * seq/ack, payload length, window, phase and the sender's state afterwards. The table is printed
 * once the session ends, when the client is known, but its packets are not all held until then:
 * they are packed as {@link PacketStore.Packets} (five longs a packet) into a chunk of
 * {@link #CHUNK} packets, and each full chunk is appended to a temporary file (created when first
 * needed in {@code java.io.tmpdir}, deleted by {@link #write}, {@link #close} or at exit), read back
 * chunk by chunk when the table is written. Memory stays at one chunk (160 KiB) however long the
 * session; a 4 M-packet session used to hold 4 M row objects.
 */
public final class PacketTable implements PacketListener, Closeable {

    /** packets held in memory before they go to the temporary file */
    static final int CHUNK = 4096;
    private static final Phase[] PHASES = Phase.values();
    private static final TcpState[] STATES = TcpState.values();

    private final long sessionId;
    private final int chunkPackets;
    private final PacketStore.Packets chunk = new PacketStore.Packets();
    private TcpSession session;

    // the chunks written out so far, made when first needed
    private Path spillPath;
    private FileChannel spill;
    private ByteBuffer io;
    private LongBuffer ioLongs;
    private long spilledPackets;

    public PacketTable(long sessionId) {
        this(sessionId, CHUNK);
    }

    /** @param chunkPackets packets held in memory before they go to the temporary file */
    PacketTable(long sessionId, int chunkPackets) {
        this.sessionId = sessionId;
        this.chunkPackets = chunkPackets;
    }

    @Override
    public void onPacket(TcpSession s, boolean fromA, TcpSegment seg, long tsNs, Phase phase) {
        if (s.id() != sessionId) {
            return;
        }
        session = s;
        if (chunk.count == chunkPackets) {
            try {
                spillChunk();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (chunk.packets == null) {
            chunk.grow(chunkPackets * PacketStore.Packets.STRIDE);   // once: the chunk never grows
        }
        chunk.add(tsNs, fromA, seg.flags(), s.relativeSeq(fromA, seg.seq()),
                seg.ackFlag() ? s.relativeAck(fromA, seg.ack()) : -1, seg.payloadLength(), seg.window(),
                phase.ordinal(), (fromA ? s.a() : s.b()).state().ordinal(),
                (fromA ? s.b() : s.a()).state().ordinal(), s.lastAnomalies());
    }

    /** packets of the session held in memory now (at most one chunk) */
    int heldPackets() {
        return chunk.count;
    }

    /** bytes held in memory for the session's packets: the chunk's array and the file buffer */
    long heldBytes() {
        return chunk.bytes() + (io == null ? 0 : io.capacity());
    }

    /** packets written to the temporary file so far */
    long spilledPackets() {
        return spilledPackets;
    }

    /** the temporary file, or null if none was needed (yet) */
    Path spillFile() {
        return spillPath;
    }

    /** appends the full chunk to the temporary file and empties it */
    private void spillChunk() throws IOException {
        if (spill == null) {
            spillPath = SpillFiles.create("tcplens-packets-", ".spill", "the packets of session " + sessionId);
            spill = FileChannel.open(spillPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
            io = ByteBuffer.allocate(chunkPackets * PacketStore.Packets.STRIDE * Long.BYTES);
            ioLongs = io.asLongBuffer();
        }
        io.clear();
        ioLongs.clear();
        ioLongs.put(chunk.packets, 0, chunk.count * PacketStore.Packets.STRIDE);
        io.limit(chunk.count * PacketStore.Packets.STRIDE * Long.BYTES);
        long at = spilledPackets * PacketStore.Packets.STRIDE * Long.BYTES;
        while (io.hasRemaining()) {
            spill.write(io, at + io.position());
        }
        spilledPackets += chunk.count;
        chunk.count = 0;
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

    /** the session's header and one row per packet, in the order they came; then deletes the temporary file */
    public void write(SessionRecord r, Writer out) throws IOException {
        out.write(TextRenderer.header(r));
        out.write('\n');
        out.write(String.format(Locale.ROOT, "  %4s  %-10s %-4s %-5s %10s %10s %6s %6s  %-9s  %s%s%n",
                "no.", "time", "dir", "flags", "seq", "ack", "len", "win", "phase", "sender state → receiver state", ""));
        boolean aIsClient = session == null || session.client() == session.a();
        long n = 1;
        if (spill != null) {
            PacketStore.Packets back = new PacketStore.Packets();
            back.grow(chunkPackets * PacketStore.Packets.STRIDE);
            back.aIsClient = aIsClient;
            int chunkBytes = chunkPackets * PacketStore.Packets.STRIDE * Long.BYTES;
            for (long done = 0; done < spilledPackets; done += chunkPackets) {
                io.clear();
                long at = done * PacketStore.Packets.STRIDE * Long.BYTES;
                while (io.hasRemaining()) {
                    if (spill.read(io, at + io.position()) < 0) {
                        throw new IOException("temporary file " + spillPath + " ends before its packets");
                    }
                }
                ioLongs.clear();
                ioLongs.get(back.packets, 0, chunkBytes / Long.BYTES);
                back.count = chunkPackets;
                n = rows(back, r, n, out);
            }
            close();
        }
        chunk.aIsClient = aIsClient;
        rows(chunk, r, n, out);
    }

    /**
     * Writes the rows of the packets in {@code p}, numbered from {@code n}; returns the next number.
     * Each row is what {@code String.format(Locale.ROOT, "  %4d  %-10s %-4s %-5s %10d %10s %6d %6d
     * %-9s  %s %s → %s %s%s%n", ...)} made (widths pad, never cut), built by hand: a 4 M-packet
     * session spent most of its time in the formatter.
     */
    private static long rows(PacketStore.Packets p, SessionRecord r, long n, Writer out) throws IOException {
        StringBuilder sb = new StringBuilder(160);
        for (int i = 0; i < p.count(); i++) {
            boolean fromClient = p.fromClient(i);
            sb.setLength(0);
            sb.append("  ");
            right(sb, Long.toString(n++), 4).append("  ");
            left(sb, Units.offset(r.sinceStart(p.tsNs(i))), 10).append(' ');
            left(sb, fromClient ? "c→s" : "c←s", 4).append(' ');
            left(sb, Units.flags(p.flags(i)), 5).append(' ');
            right(sb, Long.toString(p.relSeq(i)), 10).append(' ');
            right(sb, p.relAck(i) >= 0 ? Long.toString(p.relAck(i)) : "-", 10).append(' ');
            right(sb, Integer.toString(p.length(i)), 6).append(' ');
            right(sb, Integer.toString(p.window(i)), 6).append("  ");
            left(sb, PHASES[p.phase(i)].label(), 9).append("  ");
            sb.append(fromClient ? "client" : "server").append(' ').append(STATES[p.senderState(i)].rfcName())
              .append(" → ").append(fromClient ? "server" : "client").append(' ')
              .append(STATES[p.receiverState(i)].rfcName()).append(labels(p.anomalies(i))).append(NEWLINE);
            out.append(sb);
        }
        return n;
    }

    /** what {@code %n} writes */
    private static final String NEWLINE = System.lineSeparator();

    /** {@code %<width>s}: spaces before, up to the width */
    private static StringBuilder right(StringBuilder sb, String s, int width) {
        for (int k = s.length(); k < width; k++) {
            sb.append(' ');
        }
        return sb.append(s);
    }

    /** {@code %-<width>s}: spaces after, up to the width */
    private static StringBuilder left(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int k = s.length(); k < width; k++) {
            sb.append(' ');
        }
        return sb;
    }

    /** deletes the temporary file, if any */
    @Override
    public void close() throws IOException {
        spill = SpillFiles.close(spill, spillPath);
    }
}
