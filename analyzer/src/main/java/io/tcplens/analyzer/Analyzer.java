package io.tcplens.analyzer;

import io.tcplens.analyzer.decode.DecodeResult;
import io.tcplens.analyzer.decode.Ipv4Reassembler;
import io.tcplens.analyzer.decode.PacketDecoder;
import io.tcplens.analyzer.decode.TcpChecksum;
import io.tcplens.analyzer.decode.TcpSegment;
import io.tcplens.analyzer.session.PacketListener;
import io.tcplens.analyzer.session.SessionListener;
import io.tcplens.analyzer.session.SessionTracker;

/**
 * Frames in, sessions out. Its {@link #onFrame} has the shape of a capture source's frame
 * callback, so the command line wires {@code source.readAll(analyzer::onFrame)}. One decoder and
 * one reused segment view serve every frame: nothing is allocated per packet.
 */
public final class Analyzer {

    /** Zeek's default {@code tcp_inactivity_timeout}: 5 minutes */
    public static final long DEFAULT_IDLE_TIMEOUT_NS = 300_000_000_000L;
    /** Linux keeps a closed connection in TIME_WAIT for 60 s (2 x its MSL, RFC 9293 §3.4.2) */
    public static final long DEFAULT_CLOSE_LINGER_NS = 60_000_000_000L;

    private final PacketDecoder decoder = new PacketDecoder();
    private final TcpSegment segment = new TcpSegment();
    private final DecodeStats stats = new DecodeStats();
    private final Ipv4Reassembler reassembler = new Ipv4Reassembler();
    private final SessionTracker tracker;
    private boolean verifyChecksums;

    public Analyzer(SessionListener listener) {
        this(DEFAULT_IDLE_TIMEOUT_NS, DEFAULT_CLOSE_LINGER_NS, listener);
    }

    public Analyzer(long idleTimeoutNs, long closeLingerNs, SessionListener listener) {
        this.tracker = new SessionTracker(idleTimeoutNs, closeLingerNs, listener);
    }

    /** Verify TCP checksums and count bad ones per endpoint (off by default: offload makes them wrong). */
    public void setVerifyChecksums(boolean verify) {
        this.verifyChecksums = verify;
    }

    public void setPacketListener(PacketListener packetListener) {
        tracker.setPacketListener(packetListener);
    }

    /** One captured frame; the bytes are only read during the call. */
    public void onFrame(long timestampNanos, int linkType, int interfaceId,
                        byte[] data, int offset, int capturedLength, int originalLength) {
        byte[] bytes = data;
        DecodeResult result = decoder.decode(linkType, data, offset, capturedLength, originalLength, segment);
        if ((result == DecodeResult.TCP || result == DecodeResult.FRAGMENT) && segment.ipVersion() == 4
                && (segment.moreFragments() || segment.fragmentOffset() != 0)
                && Ipv4Reassembler.wanted(data, segment.ipOffset(), offset + capturedLength)) {
            // a fragment: its TCP segment counts once, when the datagram is complete (as in Wireshark)
            int whole = reassembler.offer(data, segment.ipOffset(), offset + capturedLength, timestampNanos);
            bytes = reassembler.datagram();
            result = whole < 0 ? DecodeResult.FRAGMENT
                    : decoder.decode(PacketDecoder.LINKTYPE_IPV4, bytes, 0, whole, whole, segment);
        }
        stats.count(result, linkType);
        if (result == DecodeResult.TCP) {
            if (verifyChecksums) {
                segment.checksumStatus(TcpChecksum.verify(bytes, segment));
            }
            tracker.onSegment(segment, timestampNanos);
        }
    }

    /** The input is over: emits every session still open. */
    public void finish() {
        tracker.finish();
    }

    public DecodeStats stats() {
        return stats;
    }

    public SessionTracker sessions() {
        return tracker;
    }
}
