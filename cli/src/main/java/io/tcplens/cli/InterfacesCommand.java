package io.tcplens.cli;

import io.tcplens.analyzer.decode.PacketDecoder;
import io.tcplens.capture.CaptureException;
import io.tcplens.capture.LiveCapture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code tcplens interfaces}: the capture devices libpcap knows, and whether this user may capture on them. */
@Command(name = "interfaces",
        mixinStandardHelpOptions = true,
        description = {
            "Lists every capture device: name, up/running/loopback flags, whether this user may capture on it",
            "(each device is opened briefly to find out), addresses and description."})
final class InterfacesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<LiveCapture.Device> devices;
        try {
            devices = LiveCapture.devices();
        } catch (CaptureException e) {
            throw new UserError(ExitCode.of(e.reason()), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        int w = 4;
        for (LiveCapture.Device d : devices) {
            w = Math.max(w, d.name().length());
        }
        out.println(String.format(Locale.ROOT, "%-" + w + "s  %-22s  %-26s  %s", "name", "flags", "capture", "addresses / description"));
        boolean denied = false;
        for (LiveCapture.Device d : devices) {
            List<String> flags = new ArrayList<>();
            flags.add(d.up() ? "up" : "down");
            if (d.running()) {
                flags.add("running");
            }
            if (d.loopback()) {
                flags.add("loopback");
            }
            String cap = d.canCapture() ? "yes" : "no: " + d.whyNot();
            if (cap.length() > 26) {
                cap = cap.substring(0, 25) + "…";
            }
            denied |= "permission denied".equals(d.whyNot());
            String rest = d.addresses().stream().map(InterfacesCommand::text).collect(Collectors.joining(", "));
            if (d.description() != null && !d.description().isBlank()) {
                rest = rest.isEmpty() ? d.description() : rest + "  (" + d.description() + ")";
            }
            out.println(String.format(Locale.ROOT, "%-" + w + "s  %-22s  %-26s  %s", d.name(), String.join(",", flags),
                    cap, rest).stripTrailing());
        }
        out.flush();
        if (denied) {
            spec.commandLine().getErr().println("tcplens: note: capturing needs root, or: sudo setcap "
                    + "cap_net_raw,cap_net_admin=eip " + LiveCapture.javaBinary());
        }
        return ExitCode.OK;
    }

    /** an address as the analyzer writes it (IPv6 in RFC 5952 form), one formatter for the whole tool */
    static String text(InetAddress a) {
        byte[] b = a.getAddress();
        ByteBuffer bb = ByteBuffer.wrap(b);
        return b.length == 4 ? PacketDecoder.formatAddress(4, 0, bb.getInt() & 0xFFFF_FFFFL)
                : PacketDecoder.formatAddress(6, bb.getLong(), bb.getLong());
    }
}
