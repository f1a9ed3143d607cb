package io.tcplens.analyzer.session;

/**
 * Zeek's {@code likely_server_ports} for TCP, as the default {@code base/protocols/*} scripts fill it
 * ({@code redef likely_server_ports += { ports }} in each protocol's main.zeek; IRC adds only 6667,
 * not its other analyzer ports, which is why 80 -> 6669 flips in Zeek's core.tcp.flip-without-syn).
 * Used by {@code TCPAnalyzer::WantConnection} (src/packet_analysis/protocol/tcp/TCP.cc) to decide
 * whether a connection that does not start with a pure SYN is flipped. Deliberately not tcplens'
 * {@link ServerPorts}: Zeek does not treat every port below 1024 as a server port.
 */
final class ZeekServerPorts {

    private static final int[] TCP = {
        21, 22, 25, 53, 80, 81, 88, 110, 135, 139, 143, 389, 443, 445, 502, 563, 585, 587, 614, 631, 636,
        989, 990, 992, 993, 995, 1080, 1434, 1883, 2811, 3128, 3268, 3306, 3389, 5222, 5223, 5269, 5432,
        6379, 6667, 8000, 8080, 8888, 20000
    };

    private static final boolean[] LIKELY = new boolean[65536];

    static {
        for (int p : TCP) {
            LIKELY[p] = true;
        }
    }

    private ZeekServerPorts() {
    }

    static boolean likely(int port) {
        return LIKELY[port & 0xFFFF];
    }
}
