package io.tcplens.capture;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * A BPF filter expression ({@code tcpdump} syntax) compiled by libpcap through pcap4j and run on
 * frames read from files, in front of any {@link FrameHandler}. libpcap compiles per link type, so
 * a program is compiled for each link type the input has (pcapng files may mix them). Frames the
 * filter drops never reach the handler.
 */
public final class BpfFilter {

    /** a compile failure met while reading (a link type seen only then): carries the reason */
    public static final class FilterFailure extends RuntimeException {
        private final CaptureException cause;

        FilterFailure(CaptureException cause) {
            super(cause.getMessage(), cause);
            this.cause = cause;
        }

        public CaptureException captureException() {
            return cause;
        }
    }

    private static final int SNAPLEN = 262144;
    /** PCAP_NETMASK_UNKNOWN: only "ip broadcast" needs a netmask, and then says so */
    private static final Inet4Address NETMASK_UNKNOWN;

    static {
        try {
            NETMASK_UNKNOWN = (Inet4Address) InetAddress.getByAddress(new byte[] {-1, -1, -1, -1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String expression;
    private final Map<Integer, BpfProgram> programs = new HashMap<>();
    private long accepted;
    private long dropped;

    private BpfFilter(String expression) {
        this.expression = expression;
    }

    /**
     * Compiles {@code expression} for Ethernet at once, so that a wrong expression or a missing
     * libpcap is reported before any input is read.
     *
     * @throws CaptureException LIBPCAP_MISSING, or INVALID_FILTER with libpcap's message
     */
    public static BpfFilter compile(String expression) throws CaptureException {
        BpfFilter f = new BpfFilter(expression);
        f.program(1);
        return f;
    }

    public String expression() {
        return expression;
    }

    /** frames passed and dropped so far */
    public long accepted() {
        return accepted;
    }

    public long dropped() {
        return dropped;
    }

    private BpfProgram program(int linkType) throws CaptureException {
        BpfProgram p = programs.get(linkType);
        if (p != null) {
            return p;
        }
        if (!LibpcapFileReader.isAvailable()) {
            throw new CaptureException(CaptureException.Reason.LIBPCAP_MISSING,
                    "-f/--filter needs libpcap to compile the BPF expression: " + LibpcapFileReader.MISSING
                            .replace(" or use the built-in reader", ""));
        }
        try {
            // through a dead handle, so the exception carries libpcap's own message (pcap_geterr)
            PcapHandle dead = Pcaps.openDead(DataLinkType.getInstance(dltOf(linkType)), SNAPLEN);
            try {
                p = dead.compileFilter(expression, BpfProgram.BpfCompileMode.OPTIMIZE, NETMASK_UNKNOWN);
            } finally {
                dead.close();
            }
        } catch (NotOpenException e) {
            throw new IllegalStateException(e);
        } catch (PcapNativeException e) {
            String msg = String.valueOf(e.getMessage()).trim();
            if (cannotFilterLinkType(msg)) {
                throw new CaptureException(CaptureException.Reason.INVALID_FILTER, "-f '" + expression
                        + "' cannot be applied to frames of " + linkTypeName(linkType)
                        + ": libpcap has no BPF filtering for that link type (libpcap: " + msg + "); read without -f"
                        + " and choose sessions with --host and --port instead", e);
            }
            throw new CaptureException(CaptureException.Reason.INVALID_FILTER,
                    "invalid BPF filter '" + expression + "': " + msg
                            + (linkType != 1 ? " (link type " + linkType + ")" : ""), e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new CaptureException(CaptureException.Reason.LIBPCAP_MISSING, LibpcapFileReader.MISSING, e);
        }
        programs.put(linkType, p);
        return p;
    }

    /**
     * true when libpcap's {@code pcap_compile} message says it generates no code for the link type at
     * all, whatever the expression: gencode.c's {@code init_linktype} says "&lt;name&gt; link-layer type
     * filtering not implemented" for link types it knows but cannot filter (USB, NFLOG, DLT_USER0..15,
     * ...) and "unknown data link type N" for numbers it does not know.
     */
    public static boolean cannotFilterLinkType(String libpcapMessage) {
        String m = libpcapMessage.toLowerCase(java.util.Locale.ROOT);
        return m.contains("link-layer type filtering not implemented") || m.contains("unknown data link type");
    }

    /**
     * "link type 239 (NFLOG)": the LINKTYPE_ number and libpcap's name for it ({@code pcap_datalink_val_to_name});
     * libpcap names none of 147..162, which tcpdump.org's link-type registry reserves as LINKTYPE_USER0..15
     */
    public static String linkTypeName(int linkType) {
        String name = null;
        try {
            name = Pcaps.dataLinkValToName(dltOf(linkType));
        } catch (PcapNativeException | RuntimeException | LinkageError e) {
            // no name
        }
        if ((name == null || name.isBlank()) && linkType >= 147 && linkType <= 162) {
            name = "USER" + (linkType - 147);
        }
        return "link type " + linkType + (name == null || name.isBlank() ? "" : " (" + name + ")");
    }

    /** LINKTYPE_ value → the DLT_ value libpcap compiles for (the inverse of the reader's mapping) */
    static int dltOf(int linkType) {
        return switch (linkType) {
            case 100 -> 11;
            case 101 -> 12;
            case 102 -> 15;
            case 103 -> 16;
            case 106 -> 19;
            default -> linkType;
        };
    }

    /** {@code next} behind this filter; throws {@link FilterFailure} if a link type's program does not compile */
    public FrameHandler wrap(FrameHandler next) {
        return (ts, linkType, ifId, data, off, caplen, origLen) -> {
            BpfProgram p;
            try {
                p = program(linkType);
            } catch (CaptureException e) {
                throw new FilterFailure(e);
            }
            byte[] frame = off == 0 && data.length == caplen ? data : Arrays.copyOfRange(data, off, off + caplen);
            if (p.applyFilter(frame, origLen, caplen)) {
                accepted++;
                next.onFrame(ts, linkType, ifId, data, off, caplen, origLen);
            } else {
                dropped++;
            }
        };
    }
}
