package io.tcplens.analyzer.session;

/**
 * Ports that usually belong to the server, for sessions whose handshake was not captured (after
 * Zeek's {@code likely_server_ports} idea): the system ports below 1024 (RFC 6335 §6) and a few
 * registered ports of common services.
 */
final class ServerPorts {

    private static final int[] REGISTERED = {
        1080, 1194, 1433, 1521, 1883, 2049, 2181, 2379, 3000, 3128, 3306, 3389, 4369, 5000, 5060, 5061,
        5222, 5432, 5672, 5900, 5984, 6379, 6443, 6633, 6653, 6667, 8000, 8008, 8080, 8081, 8088, 8443,
        8883, 8888, 9000, 9042, 9090, 9092, 9200, 9300, 9418, 11211, 27017
    };

    private static final boolean[] LIKELY = new boolean[65536];

    static {
        for (int p = 1; p < 1024; p++) {
            LIKELY[p] = true;
        }
        for (int p : REGISTERED) {
            LIKELY[p] = true;
        }
    }

    private ServerPorts() {
    }

    static boolean likely(int port) {
        return LIKELY[port & 0xFFFF];
    }
}
