package io.tcplens.cli.render;

import io.tcplens.analyzer.Analyzer;
import io.tcplens.analyzer.decode.PacketDecoder;
import io.tcplens.analyzer.testing.Frames;

/**
 * Test traffic without a file: frames built by {@link Frames} (link type RAW, no link header) handed
 * straight to an {@link Analyzer}. Session number n is client {@code 10.1.(n / 60000 / 256).(n /
 * 60000 % 256)} port {@code 1024 + n % 60000} to server 10.2.0.1:80.
 */
final class RawTcp {

    static final int SYN = Frames.SYN;
    static final int RST = Frames.RST;
    static final int PSH = Frames.PSH;
    static final int ACK = Frames.ACK;

    private final Analyzer analyzer;

    RawTcp(Analyzer analyzer) {
        this.analyzer = analyzer;
    }

    /** one segment of session {@code n}; {@code toServer}: sent by the client */
    void send(long tsNs, int n, boolean toServer, int flags, int seq, int ack, int payload) {
        int host = n / 60_000;
        String client = "10.1." + (host >> 8) + "." + (host & 0xFF);
        int clientPort = 1024 + n % 60_000;
        Frames f = toServer ? Frames.tcp(client, clientPort, "10.2.0.1", 80) : Frames.tcp("10.2.0.1", 80, client, clientPort);
        byte[] b = f.flags(flags).seq(seq).ackField(ack).payload(payload).link(Frames.Link.RAW).build();
        analyzer.onFrame(tsNs, PacketDecoder.LINKTYPE_RAW, 0, b, 0, b.length, b.length);
    }

    /** client SYN, server SYN-ACK, client ACK: client ISN 1000, server ISN 5000 */
    void handshake(long tsNs, int n) {
        send(tsNs, n, true, SYN, 1000, 0, 0);
        send(tsNs + 1_000, n, false, SYN | ACK, 5000, 1001, 0);
        send(tsNs + 2_000, n, true, ACK, 1001, 5001, 0);
    }

    /** the k-th data packet after the handshake: even k from the client (10 bytes), odd k its ACK */
    void data(long tsNs, int n, int k) {
        if (k % 2 == 0) {
            send(tsNs, n, true, PSH | ACK, 1001 + 10 * (k / 2), 5001, 10);
        } else {
            send(tsNs, n, false, ACK, 5001, 1001 + 10 * (k / 2 + 1), 0);
        }
    }
}
