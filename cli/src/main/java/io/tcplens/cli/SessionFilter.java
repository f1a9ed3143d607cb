package io.tcplens.cli;

import io.tcplens.analyzer.session.Outcome;
import io.tcplens.analyzer.session.SessionRecord;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which sessions a report shows: by address (exact, or a CIDR prefix), port (either endpoint),
 * outcome, diagnosis code and duration. Every given criterion must hold; the values of one
 * criterion are alternatives.
 */
final class SessionFilter implements Predicate<SessionRecord> {

    /** an address or prefix, e.g. 10.0.0.1, 10.0.0.0/8, 2001:db8::/32 */
    record Net(byte[] addr, int bits) {
        static Net parse(String s) {
            int slash = s.indexOf('/');
            String a = slash < 0 ? s : s.substring(0, slash);
            if (!a.matches("[0-9A-Fa-f:.]+") || (a.indexOf(':') < 0 && !a.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
                throw new IllegalArgumentException("'" + s + "' is not an IPv4 or IPv6 address or prefix");
            }
            byte[] b;
            try {
                b = InetAddress.getByName(a).getAddress(); // a literal: no name lookup
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + s + "' is not an IPv4 or IPv6 address or prefix");
            }
            int bits = b.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > b.length * 8) {
                    throw new IllegalArgumentException("'" + s + "': the prefix length must be 0.." + b.length * 8);
                }
            }
            return new Net(b, bits);
        }

        boolean contains(String address) {
            byte[] x;
            try {
                x = InetAddress.getByName(address).getAddress();
            } catch (UnknownHostException e) {
                return false;
            }
            if (x.length != addr.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (x[i] != addr[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (x[full] & mask) == (addr[full] & mask);
        }
    }

    private final List<Net> hosts;
    private final Set<Integer> ports;
    private final Set<Outcome> outcomes;
    private final Set<String> diagnoses;
    private final long minDurationNs;

    SessionFilter(List<Net> hosts, Set<Integer> ports, Set<Outcome> outcomes, Set<String> diagnoses,
                  long minDurationNs) {
        this.hosts = hosts;
        this.ports = ports;
        this.outcomes = outcomes;
        this.diagnoses = diagnoses;
        this.minDurationNs = minDurationNs;
    }

    boolean isEmpty() {
        return hosts.isEmpty() && ports.isEmpty() && outcomes.isEmpty() && diagnoses.isEmpty() && minDurationNs <= 0;
    }

    @Override
    public boolean test(SessionRecord r) {
        if (!hosts.isEmpty() && hosts.stream().noneMatch(n -> n.contains(r.clientAddr()) || n.contains(r.serverAddr()))) {
            return false;
        }
        if (!ports.isEmpty() && !ports.contains(r.clientPort()) && !ports.contains(r.serverPort())) {
            return false;
        }
        if (!outcomes.isEmpty() && !outcomes.contains(r.outcome())) {
            return false;
        }
        if (!diagnoses.isEmpty() && !diagnoses.contains(r.diagnosis().code())) {
            return false;
        }
        return r.durationNs() >= minDurationNs;
    }
}
