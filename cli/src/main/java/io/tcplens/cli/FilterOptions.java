package io.tcplens.cli;

import io.tcplens.analyzer.session.Outcome;
import io.tcplens.capture.BpfFilter;
import io.tcplens.capture.CaptureException;
import io.tcplens.capture.FrameHandler;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The filters every offline command takes ({@code @Mixin}): a BPF expression on frames, compiled
 * by libpcap, and session filters on the finished records.
 */
public final class FilterOptions {

    @Option(names = {"-f", "--filter"}, paramLabel = "BPF",
            description = "only frames matching this BPF filter (tcpdump syntax, compiled by libpcap), "
                    + "e.g. \"tcp port 443\"")
    String bpf;

    @Option(names = "--host", paramLabel = "ADDR[/BITS]", split = ",",
            description = "only sessions with this address (or prefix) at either end; repeatable")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--port", paramLabel = "PORT", split = ",",
            description = "only sessions with this port at either end; repeatable")
    List<Integer> ports = new ArrayList<>();

    @Option(names = "--outcome", paramLabel = "OUTCOME", split = ",",
            description = "only sessions with these outcomes: closed (or complete), closing, reset, refused, "
                    + "no_answer, open")
    List<String> outcomes = new ArrayList<>();

    @Option(names = "--diagnosis", paramLabel = "CODE", split = ",",
            description = "only sessions with these diagnosis codes (e.g. port_closed, heavy_loss, ok)")
    List<String> diagnoses = new ArrayList<>();

    @Option(names = "--min-duration", paramLabel = "SECONDS",
            description = "only sessions lasting at least this long")
    Double minDuration;

    /** the session filter, or null when none was given; wrong values are usage errors */
    SessionFilter sessionFilter(CommandLine cl) {
        List<SessionFilter.Net> nets = new ArrayList<>();
        for (String h : hosts) {
            try {
                nets.add(SessionFilter.Net.parse(h.trim()));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--host " + e.getMessage());
            }
        }
        Set<Outcome> os = EnumSet.noneOf(Outcome.class);
        for (String o : outcomes) {
            String name = o.trim().toLowerCase(Locale.ROOT).replace('-', '_');
            if (name.equals("complete")) {
                name = "closed";
            }
            Outcome found = null;
            for (Outcome x : Outcome.values()) {
                if (x.jsonName().equals(name)) {
                    found = x;
                }
            }
            if (found == null) {
                throw new CommandLine.ParameterException(cl, "unknown --outcome '" + o
                        + "': use closed (or complete), closing, reset, refused, no_answer or open");
            }
            os.add(found);
        }
        for (int p : ports) {
            if (p < 0 || p > 65535) {
                throw new CommandLine.ParameterException(cl, "--port " + p + " is not a TCP port (0..65535)");
            }
        }
        if (minDuration != null && !(minDuration >= 0)) {
            throw new CommandLine.ParameterException(cl, "--min-duration must be a number of seconds >= 0");
        }
        Set<String> ds = new LinkedHashSet<>();
        diagnoses.forEach(d -> ds.add(d.trim().toLowerCase(Locale.ROOT)));
        SessionFilter f = new SessionFilter(nets, new LinkedHashSet<>(ports), os, ds,
                minDuration == null ? 0 : Math.round(Math.min(minDuration, 9.2e9) * 1e9));
        return f.isEmpty() ? null : f;
    }

    /** the BPF filter compiled, or null without {@code -f}; a missing libpcap or wrong expression is a UserError */
    BpfFilter bpfFilter() {
        if (bpf == null) {
            return null;
        }
        try {
            return BpfFilter.compile(bpf);
        } catch (CaptureException e) {
            throw new UserError(ExitCode.of(e.reason()), e.getMessage());
        }
    }

    /** {@code next} behind the BPF filter (if any) */
    static FrameHandler frames(BpfFilter filter, FrameHandler next) {
        return filter == null ? next : filter.wrap(next);
    }
}
