package io.tcplens.analyzer.session;

import io.tcplens.analyzer.decode.TcpSegment;

/**
 * Sees every TCP packet after the session engine has applied it: for per-packet views. The
 * segment and session are live objects, valid only during the call.
 */
@FunctionalInterface
public interface PacketListener {
    /**
     * @param fromA  the packet was sent by {@link TcpSession#a()} (the sender of the session's first packet)
     */
    void onPacket(TcpSession session, boolean fromA, TcpSegment segment, long tsNs, Phase phase);
}
