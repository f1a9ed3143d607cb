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
 *
 * <p>With {@link #useSecondThread()}, decoding stays on the calling thread and the session work
 * moves to a second one ({@link SegmentPipeline}); the results are the same. Either way the
 * listeners run on one thread at a time, in the same order.
 */
public final class Analyzer implements AutoCloseable {

    /** Zeek's default {@code tcp_inactivity_timeout}: 5 minutes */
    public static final long DEFAULT_IDLE_TIMEOUT_NS = 300_000_000_000L;
    /** Linux keeps a closed connection in TIME_WAIT for 60 s (2 x its MSL, RFC 9293 §3.4.2) */
    public static final long DEFAULT_CLOSE_LINGER_NS = 60_000_000_000L;

    private final PacketDecoder decoder = new PacketDecoder();
    private final TcpSegment segment = new TcpSegment();
    private final Ipv4Reassembler reassembler = new Ipv4Reassembler();
    private final DecodeStats stats = new DecodeStats(reassembler);
    private final SessionTracker tracker;
    private boolean verifyChecksums;
    private SegmentPipeline pipeline;
    /** the latest frame time: when the datagrams still pending at the end are given up */
    private long lastFrameNs = Long.MIN_VALUE;

    public Analyzer(SessionListener listener) {
        this(DEFAULT_IDLE_TIMEOUT_NS, DEFAULT_CLOSE_LINGER_NS, listener);
    }

    public Analyzer(long idleTimeoutNs, long closeLingerNs, SessionListener listener) {
        this.tracker = new SessionTracker(idleTimeoutNs, closeLingerNs, listener);
        reassembler.setDropListener(this::datagramDropped);
    }

    /**
     * The memory the IPv4 reassembler may hold for pending datagrams (default
     * {@link Ipv4Reassembler#DEFAULT_MEMORY}, 4 MiB; at least {@link Ipv4Reassembler#MIN_MEMORY}).
     */
    public void setFragmentMemory(long bytes) {
        reassembler.setMemory(bytes);
    }

    /** Verify TCP checksums and count bad ones per endpoint (off by default: offload makes them wrong). */
    public void setVerifyChecksums(boolean verify) {
        this.verifyChecksums = verify;
    }

    public void setPacketListener(PacketListener packetListener) {
        tracker.setPacketListener(packetListener);
    }

    /**
     * From now on, apply segments to the sessions on a second thread while this one goes on
     * decoding. Call before the first frame; {@link #finish()} (or {@link #close()}) stops it.
     * Not for live captures, whose sessions are also read between frames.
     */
    public void useSecondThread() {
        if (pipeline == null) {
            pipeline = new SegmentPipeline(tracker);
        }
    }

    /**
     * A frame of which {@code data} holds only the first {@code present} of its
     * {@code capturedLength} bytes (a reader that copies just the headers). Returns false, having
     * changed nothing, when that is not enough: the caller then passes the whole frame to
     * {@link #onFrame}. True means the frame was analysed exactly as {@link #onFrame} would have.
     */
    public boolean onFrameHeaders(long timestampNanos, int linkType, int interfaceId, byte[] data, int offset,
                                  int present, int capturedLength, int originalLength) {
        if (verifyChecksums) {
            return false;   // the checksum covers the payload
        }
        TcpSegment seg = pipeline != null ? pipeline.claim() : segment;
        if (!decoder.decodeHeaders(linkType, data, offset, present, capturedLength, originalLength, seg)) {
            return false;
        }
        stats.count(DecodeResult.TCP, linkType);
        apply(seg, timestampNanos);
        return true;
    }

    /** One captured frame; the bytes are only read during the call. */
    public void onFrame(long timestampNanos, int linkType, int interfaceId,
                        byte[] data, int offset, int capturedLength, int originalLength) {
        byte[] bytes = data;
        TcpSegment segment = pipeline != null ? pipeline.claim() : this.segment;
        DecodeResult result = decoder.decode(linkType, data, offset, capturedLength, originalLength, segment);
        if ((result == DecodeResult.TCP || result == DecodeResult.FRAGMENT) && segment.ipVersion() == 4
                && (segment.moreFragments() || segment.fragmentOffset() != 0)
                && Ipv4Reassembler.wanted(data, segment.ipOffset(), offset + capturedLength)) {
            // a fragment: its TCP segment counts once, when the datagram is complete (as in Wireshark)
            int whole = reassembler.offer(data, segment.ipOffset(), offset + capturedLength, timestampNanos);
            if (pipeline != null) {
                segment = pipeline.claim();   // a datagram given up meanwhile may have taken the slot
            }
            bytes = reassembler.datagram();
            result = whole < 0 ? DecodeResult.FRAGMENT
                    : decoder.decode(PacketDecoder.LINKTYPE_IPV4, bytes, 0, whole, whole, segment);
        }
        stats.count(result, linkType);
        if (timestampNanos > lastFrameNs) {
            lastFrameNs = timestampNanos;
        }
        if (result == DecodeResult.TCP) {
            if (verifyChecksums) {
                segment.checksumStatus(TcpChecksum.verify(bytes, segment));
            }
            apply(segment, timestampNanos);
        }
    }

    /**
     * The reassembler gave up a datagram whose first fragment it had: that fragment's headers name
     * the 4-tuple, and the tracker counts the fragments on its session ({@link TcpSegment#droppedFragments()}).
     */
    private void datagramDropped(byte[] firstFragment, int captured, int wireLength, int fragments, long ts) {
        TcpSegment seg = pipeline != null ? pipeline.claim() : this.segment;
        if (decoder.decode(PacketDecoder.LINKTYPE_IPV4, firstFragment, 0, captured, wireLength, seg) == DecodeResult.TCP) {
            seg.droppedFragments(fragments);
            apply(seg, ts);
        }
    }

    private void apply(TcpSegment seg, long timestampNanos) {
        if (pipeline != null) {
            pipeline.commit(timestampNanos);
        } else {
            tracker.onSegment(seg, timestampNanos);
        }
    }

    /** The input is over: emits every session still open. */
    public void finish() {
        reassembler.flush(lastFrameNs);   // datagrams still incomplete are given up, and counted
        if (pipeline != null) {
            SegmentPipeline p = pipeline;
            pipeline = null;
            p.finish();   // every segment applied; rethrows what the session thread threw
        }
        tracker.finish();
    }

    /** Stops the second thread, if any, without finishing (a run given up on an error). */
    @Override
    public void close() {
        if (pipeline != null) {
            pipeline.abandon();
            pipeline = null;
        }
    }

    public DecodeStats stats() {
        return stats;
    }

    public SessionTracker sessions() {
        return tracker;
    }
}
