package io.tcplens.capture;

import java.io.EOFException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * Live capture on one interface through pcap4j/libpcap: immediate mode, nanosecond timestamps when
 * libpcap offers them, a kernel buffer of {@link Options#bufferSize} bytes, an optional BPF filter.
 *
 * <p>pcap4j opens and configures the device (errors, BPF, SLL2, statistics, {@code pcap_breakloop});
 * only the per-packet read bypasses it.
 *
 * <p>Two threads. The capture thread (started by {@link #start}) only captures: it calls
 * {@code pcap_next_ex} directly through JNA ({@link NativePcap}: primitive arguments, header fields
 * read in place, the frame copied from libpcap's buffer into one reused array) and copies each frame
 * into a preallocated {@link FrameRing}, allocating nothing per frame. Where that mapping cannot be
 * made (not 64-bit Linux, a pcap4j without the {@code handle} field) or with
 * {@code -Dtcplens.capture.reader=pcap4j}, it reads through pcap4j's {@code getNextRawPacketEx},
 * which allocates a {@code byte[]}, a {@code Timestamp} and an {@code Integer} per frame;
 * {@link #reader()} says which. The caller's thread {@link #drain drains} the ring
 * into a {@link FrameHandler} (analysis, pcap writer) without any per-frame object. When the ring is
 * full the frame is counted as "dropped by tcplens" instead of blocking libpcap.
 *
 * <p>Stopping: libpcap's read timeout does not end a blocked {@code pcap_next_ex} on Linux (libpcap
 * 1.10 loops on empty TPACKET blocks, with or without immediate mode), so {@link #stop} sets a
 * volatile flag and calls {@code pcap_breakloop}, which wakes the blocked read at once in libpcap
 * &ge; 1.10 (an eventfd), repeating it every 50 ms for older versions. It waits at most one second
 * for the capture thread; if the thread is still inside libpcap then (old libpcap on a quiet
 * interface), the handle is left open rather than closed under it, because pcap4j's
 * {@code close()} would wait for the read forever.
 */
public final class LiveCapture implements AutoCloseable {

    /** how long {@link #stop} waits for the capture thread */
    public static final long STOP_WAIT_MS = 1000;

    /**
     * @param device      interface name ({@code any} on Linux: all interfaces, Linux SLL2 frames)
     * @param filter      BPF expression, null or blank for none
     * @param snaplen     bytes kept per frame
     * @param promiscuous promiscuous mode
     * @param bufferSize  kernel buffer in bytes
     * @param count       stop after this many frames (0: no limit)
     * @param ringBytes   size of the byte ring between capture and analysis
     */
    public record Options(String device, String filter, int snaplen, boolean promiscuous, int bufferSize,
                          long count, int ringBytes) {
        public static final int DEFAULT_SNAPLEN = 262144;
        public static final int DEFAULT_BUFFER = 32 << 20;
        public static final int DEFAULT_RING = 64 << 20;

        public static Options of(String device) {
            return new Options(device, null, DEFAULT_SNAPLEN, true, DEFAULT_BUFFER, 0, DEFAULT_RING);
        }

        public Options withFilter(String f) {
            return new Options(device, f, snaplen, promiscuous, bufferSize, count, ringBytes);
        }

        public Options withCount(long c) {
            return new Options(device, filter, snaplen, promiscuous, bufferSize, c, ringBytes);
        }
    }

    /**
     * libpcap's counters and tcplens's own at the end of a capture.
     *
     * @param captured        frames handed over by libpcap
     * @param received        libpcap {@code ps_recv}: packets that passed the filter
     * @param droppedByKernel {@code ps_drop}: no room in the kernel buffer
     * @param droppedByIf     {@code ps_ifdrop}: dropped by the interface or its driver
     * @param droppedByTcplens frames tcplens could not queue for analysis (its ring was full)
     */
    public record Stats(long captured, long received, long droppedByKernel, long droppedByIf, long droppedByTcplens) {
        public long dropped() {
            return droppedByKernel + droppedByIf + droppedByTcplens;
        }
    }

    /** One capture device as {@code tcplens interfaces} lists it. */
    public record Device(String name, String description, List<InetAddress> addresses, boolean up, boolean running,
                         boolean loopback, boolean canCapture, String whyNot) {
    }

    private static final int SLOTS = 1 << 18;
    private static final int READ_TIMEOUT_MS = 100;

    /**
     * System property choosing how the capture thread reads: {@code jna} (default: {@code pcap_next_ex}
     * through {@link NativePcap}, nothing allocated per packet) or {@code pcap4j}
     * ({@code getNextRawPacketEx}). {@code jna} falls back to pcap4j when the mapping cannot be made.
     */
    public static final String READER_PROPERTY = "tcplens.capture.reader";

    private final Options options;
    private final PcapHandle handle;
    /** the {@code pcap_t *} read through JNA, or 0 when reading through pcap4j */
    private final long pcapT;
    private final String reader;
    private final int linkType;
    private final boolean nanos;
    private final FrameRing ring;
    private volatile boolean stopRequested;
    private volatile boolean finished;
    private volatile CaptureException failure;
    private volatile long captured;
    private Thread thread;
    private Stats finalStats;
    private boolean closed;

    private LiveCapture(Options options, PcapHandle handle, int linkType, boolean nanos, long pcapT, String reader) {
        this.options = options;
        this.handle = handle;
        this.pcapT = pcapT;
        this.reader = reader;
        this.linkType = linkType;
        this.nanos = nanos;
        this.ring = new FrameRing(options.ringBytes(), SLOTS);
    }

    /** True when libpcap can be loaded. */
    public static boolean isAvailable() {
        return LibpcapFileReader.isAvailable();
    }

    /** Opens and configures the device; capture begins with {@link #start}. */
    public static LiveCapture open(Options o) throws CaptureException {
        if (!isAvailable()) {
            throw new CaptureException(CaptureException.Reason.LIBPCAP_MISSING, LibpcapFileReader.MISSING
                    .replace(" or use the built-in reader", "; live capture needs it"));
        }
        List<PcapNetworkInterface> devs = allDevs();
        if (devs.stream().noneMatch(d -> d.getName().equals(o.device()))) {
            throw unknown(o.device(), devs);
        }
        PcapHandle h;
        boolean nanos = true;
        try {
            h = builder(o).timestampPrecision(PcapHandle.TimestampPrecision.NANO).build();
            nanos = h.getTimestampPrecision() == PcapHandle.TimestampPrecision.NANO;
        } catch (PcapNativeException e) {
            throw classify(e, o.device(), devs);
        } catch (RuntimeException | LinkageError e) { // no pcap_set_tstamp_precision (libpcap < 1.5)
            try {
                h = builder(o).build();
                nanos = false;
            } catch (PcapNativeException e2) {
                throw classify(e2, o.device(), devs);
            }
        }
        try {
            int dlt = h.getDlt().value();
            if ("any".equals(o.device()) && dlt == 113) { // Linux SLL: ask for SLL2, which names the interface
                try {
                    h.setDlt(DataLinkType.getInstance(276));
                    dlt = h.getDlt().value();
                } catch (PcapNativeException e) {
                    // libpcap < 1.10: stay with SLL
                }
            }
            String f = o.filter() == null ? "" : o.filter().trim();
            if (!f.isEmpty()) {
                try {
                    h.setFilter(f, BpfProgram.BpfCompileMode.OPTIMIZE);
                } catch (PcapNativeException e) {
                    String msg = libpcapMessage(e);
                    throw new CaptureException(CaptureException.Reason.INVALID_FILTER, BpfFilter.cannotFilterLinkType(msg)
                            ? "-f '" + f + "' cannot be applied on " + o.device() + ": its frames are of "
                                    + BpfFilter.linkTypeName(LibpcapFileReader.linkTypeOf(dlt))
                                    + ", which libpcap has no BPF filtering for (libpcap: " + msg + "); capture without -f"
                            : "invalid filter '" + f + "': " + msg + " (see man pcap-filter)", e);
                }
            }
            long pcapT = 0;
            String reader;
            if ("pcap4j".equalsIgnoreCase(System.getProperty(READER_PROPERTY, "jna"))) {
                reader = "pcap4j (-D" + READER_PROPERTY + "=pcap4j)";
            } else if (!NativePcap.AVAILABLE) {
                reader = "pcap4j (no direct libpcap mapping: " + NativePcap.WHY_NOT + ")";
            } else {
                try {
                    pcapT = NativePcap.pcapT(h);
                    reader = "libpcap via JNA";
                } catch (ReflectiveOperationException | RuntimeException e) {
                    reader = "pcap4j (no direct libpcap mapping: " + e + ")";
                }
            }
            return new LiveCapture(o, h, LibpcapFileReader.linkTypeOf(dlt), nanos, pcapT, reader);
        } catch (CaptureException | RuntimeException e) {
            h.close();
            throw e;
        } catch (NotOpenException e) {
            h.close();
            throw new CaptureException(CaptureException.Reason.LIBPCAP_ERROR, "libpcap: " + e.getMessage(), e);
        }
    }

    private static PcapHandle.Builder builder(Options o) {
        return new PcapHandle.Builder(o.device())
                .snaplen(o.snaplen())
                .promiscuousMode(o.promiscuous() ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                        : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                .timeoutMillis(READ_TIMEOUT_MS)
                .bufferSize(o.bufferSize())
                .immediateMode(true);
    }

    private static List<PcapNetworkInterface> allDevs() throws CaptureException {
        try {
            return Pcaps.findAllDevs();
        } catch (PcapNativeException e) {
            throw new CaptureException(CaptureException.Reason.LIBPCAP_ERROR,
                    "libpcap cannot list the capture devices: " + libpcapMessage(e), e);
        }
    }

    private static CaptureException unknown(String device, List<PcapNetworkInterface> devs) {
        List<String> names = new ArrayList<>();
        for (PcapNetworkInterface d : devs) {
            names.add(d.getName());
        }
        return new CaptureException(CaptureException.Reason.UNKNOWN_INTERFACE, "no capture interface '" + device
                + "': use one of " + String.join(", ", names) + " (tcplens interfaces lists them)");
    }

    /** Maps libpcap's activation errors (pcap_activate return codes and messages) to a reason and a hint. */
    static CaptureException classify(PcapNativeException e, String device, List<PcapNetworkInterface> devs) {
        Integer rc = e.getReturnCode();
        String msg = libpcapMessage(e);
        String lower = msg.toLowerCase(java.util.Locale.ROOT);
        int code = rc == null ? 0 : rc;
        if (code == -5 || lower.contains("no such device")) { // PCAP_ERROR_NO_SUCH_DEVICE
            return unknown(device, devs);
        }
        if (code == -8 || code == -11 || lower.contains("operation not permitted") || lower.contains("permission")) {
            return new CaptureException(CaptureException.Reason.PERMISSION_DENIED, "no permission to capture on "
                    + device + " (libpcap: " + msg + "): run as root, or give the java binary the capture"
                    + " capabilities: sudo setcap cap_net_raw,cap_net_admin=eip " + javaBinary(), e);
        }
        if (code == -9 || lower.contains("not up")) { // PCAP_ERROR_IFACE_NOT_UP
            return new CaptureException(CaptureException.Reason.INTERFACE_DOWN, "interface " + device
                    + " is down: bring it up first (sudo ip link set " + device + " up)", e);
        }
        return new CaptureException(CaptureException.Reason.LIBPCAP_ERROR,
                "libpcap cannot capture on " + device + ": " + msg, e);
    }

    /** the real path of the running java binary, for the setcap hint */
    public static String javaBinary() {
        Optional<String> cmd = ProcessHandle.current().info().command();
        String java = cmd.orElse(System.getProperty("java.home") + "/bin/java");
        try {
            return Path.of(java).toRealPath().toString();
        } catch (Exception e) {
            return java;
        }
    }

    /** libpcap's own words, without pcap4j's "Error occurred in pcap_xxx: " prefix */
    static String libpcapMessage(PcapNativeException e) {
        String msg = String.valueOf(e.getMessage()).trim();
        if (msg.startsWith("Error occurred in ")) {
            int i = msg.indexOf(": ");
            if (i > 0) {
                msg = msg.substring(i + 2);
            }
        }
        return msg;
    }

    /** Every capture device, and whether this process may capture on it (each is opened briefly). */
    public static List<Device> devices() throws CaptureException {
        if (!isAvailable()) {
            throw new CaptureException(CaptureException.Reason.LIBPCAP_MISSING, LibpcapFileReader.MISSING
                    .replace(" or use the built-in reader", "; live capture needs it"));
        }
        List<PcapNetworkInterface> devs = allDevs();
        List<Device> out = new ArrayList<>(devs.size());
        for (PcapNetworkInterface d : devs) {
            List<InetAddress> addrs = new ArrayList<>();
            for (PcapAddress a : d.getAddresses()) {
                InetAddress ia = a.getAddress();
                if (ia != null) {
                    addrs.add(ia);
                }
            }
            String why = null;
            try {
                PcapHandle h = new PcapHandle.Builder(d.getName()).snaplen(96)
                        .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                        .timeoutMillis(1).build();
                h.close();
            } catch (PcapNativeException e) {
                CaptureException c = classify(e, d.getName(), devs);
                why = switch (c.reason()) {
                    case PERMISSION_DENIED -> "permission denied";
                    case INTERFACE_DOWN -> "down";
                    default -> libpcapMessage(e);
                };
            }
            out.add(new Device(d.getName(), d.getDescription(), addrs, d.isUp(), d.isRunning(), d.isLoopBack(),
                    why == null, why));
        }
        return out;
    }

    /** LINKTYPE_ number of the frames (1 Ethernet, 276 Linux SLL2 for {@code any}, ...) */
    public int linkType() {
        return linkType;
    }

    /** true when libpcap delivers nanosecond timestamps */
    public boolean nanosecondTimestamps() {
        return nanos;
    }

    public Options options() {
        return options;
    }

    /**
     * How the capture thread reads packets: {@code "libpcap via JNA"} ({@code pcap_next_ex} called
     * directly, nothing allocated per packet) or {@code "pcap4j (why)"}.
     */
    public String reader() {
        return reader;
    }

    /** the capture thread, once started (tests measure its allocations) */
    synchronized Thread captureThread() {
        return thread;
    }

    /** Starts the capture thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(this::captureLoop, "tcplens-capture-" + options.device());
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    private void captureLoop() {
        if (pcapT != 0) {
            nativeCaptureLoop();
        } else {
            pcap4jCaptureLoop();
        }
    }

    /**
     * {@code pcap_next_ex} through JNA: the header is read in place and the frame copied from
     * libpcap's buffer into one reused array, then into the ring; no object per packet.
     */
    private void nativeCaptureLoop() {
        long limit = options.count() > 0 ? options.count() : Long.MAX_VALUE;
        long n = 0;
        long fracToNanos = nanos ? 1 : 1000;
        NativePcap.Reader r = new NativePcap.Reader(pcapT);
        byte[] frame = new byte[Math.max(options.snaplen(), 65536)];
        try {
            while (!stopRequested && n < limit) {
                int rc = r.next();
                if (rc == NativePcap.Reader.OK) {
                    int caplen = Math.max(r.capturedLength(), 0);
                    int len = r.originalLength();
                    if (caplen > frame.length) { // larger than the snaplen asked for: grow once
                        frame = new byte[caplen];
                    }
                    r.copy(frame, 0, caplen);
                    long ns = r.seconds() * 1_000_000_000L + r.fraction() * fracToNanos;
                    ring.offer(ns, frame, caplen, len != 0 ? len : caplen);
                    captured = ++n;
                } else if (rc == NativePcap.Reader.ERROR) {
                    if (!stopRequested) {
                        failure = readFailure(handleError(), null);
                    }
                    return;
                }
                // 0: read timeout; -2: pcap_breakloop (the loop condition decides)
            }
        } catch (RuntimeException | Error e) {
            if (!stopRequested) {
                failure = stopped(e);
            }
        } finally {
            finished = true;
            ring.wake();
        }
    }

    private String handleError() {
        try {
            return handle.getError();
        } catch (NotOpenException | RuntimeException e) {
            return "pcap_next_ex failed";
        }
    }

    /** the capture loop failed unexpectedly: what and where, with the cause kept */
    private CaptureException stopped(Throwable e) {
        return new CaptureException(CaptureException.Reason.LIBPCAP_ERROR,
                "capture on " + options.device() + " stopped: " + e, e);
    }

    private CaptureException readFailure(String msg, Exception cause) {
        return readFailure(options.device(), msg, cause);
    }

    /**
     * Classifies a {@code pcap_next_ex} error (PCAP_ERROR with libpcap's message). libpcap has no error
     * code for "the device went away" while reading, only its words: Linux {@code pcap_wait_for_frames_mmap}
     * (pcap-linux.c, libpcap 1.10) says "The interface disappeared" after an ENETDOWN when the device no
     * longer exists or SIOCGIFFLAGS fails with ENXIO/ENODEV; older pcap-linux.c ({@code recvfrom} ENETDOWN)
     * and pcap-bpf.c ({@code read} ENXIO) say "The interface went down". Both are INTERFACE_DOWN.
     */
    static CaptureException readFailure(String device, String msg, Exception cause) {
        String lower = msg.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("disappeared")) {
            return new CaptureException(CaptureException.Reason.INTERFACE_DOWN, "capture on " + device
                    + " stopped: the interface disappeared (deleted or unplugged; libpcap: " + msg
                    + "); the sessions captured until then are reported", cause);
        }
        if (lower.contains("down")) {
            return new CaptureException(CaptureException.Reason.INTERFACE_DOWN, "capture on " + device
                    + " stopped: " + msg + " (sudo ip link set " + device + " up)", cause);
        }
        return new CaptureException(CaptureException.Reason.LIBPCAP_ERROR, "capture on " + device + " stopped: " + msg,
                cause);
    }

    private void pcap4jCaptureLoop() {
        long limit = options.count() > 0 ? options.count() : Long.MAX_VALUE;
        long n = 0;
        try {
            while (!stopRequested && n < limit) {
                byte[] frame;
                try {
                    frame = handle.getNextRawPacketEx();
                } catch (TimeoutException e) {
                    continue;
                } catch (EOFException e) { // pcap_breakloop
                    continue;
                }
                Timestamp ts = handle.getTimestamp();
                long ns = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
                Integer orig = handle.getOriginalLength();
                ring.offer(ns, frame, frame.length, orig != null ? orig : frame.length);
                captured = ++n;
            }
        } catch (PcapNativeException e) {
            if (!stopRequested) {
                failure = readFailure(libpcapMessage(e), e);
            }
        } catch (NotOpenException | RuntimeException e) {
            if (!stopRequested) {
                failure = stopped(e);
            }
        } finally {
            finished = true;
            ring.wake();
        }
    }

    /**
     * Hands queued frames to {@code handler} on the caller's thread, waiting up to {@code waitNanos}
     * for the first one. Returns the number handed over.
     */
    public int drain(FrameHandler handler, long waitNanos) {
        int n = ring.drain(handler, linkType, 4096);
        if (n == 0 && !finished && waitNanos > 0) {
            ring.await(waitNanos);
            n = ring.drain(handler, linkType, 4096);
        }
        return n;
    }

    /** true once the capture thread has ended (count reached, stopped, or failed) and every frame was drained */
    public boolean isDone() {
        return finished && ring.isEmpty();
    }

    /** true once the capture thread has ended */
    public boolean captureEnded() {
        return finished;
    }

    /** why the capture thread ended early, or null */
    public CaptureException failure() {
        return failure;
    }

    /** frames captured so far */
    public long captured() {
        return captured;
    }

    /**
     * Stops capturing: returns within about {@link #STOP_WAIT_MS} ms whatever libpcap does. Safe to
     * call from any thread, several times (a signal handler, the duration timer, a test).
     */
    public void stop() {
        stopRequested = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            finished = true;
            return;
        }
        long deadline = System.nanoTime() + STOP_WAIT_MS * 1_000_000L;
        while (!finished && System.nanoTime() < deadline) {
            try {
                handle.breakLoop();
            } catch (NotOpenException e) {
                break;
            }
            try {
                t.join(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        ring.wake();
    }

    /** libpcap's and tcplens's counters; call after {@link #stop}. Frozen at {@link #close}. */
    public synchronized Stats stats() {
        if (finalStats != null) {
            return finalStats;
        }
        long recv = -1, drop = -1, ifdrop = -1;
        try {
            PcapStat s = handle.getStats();
            recv = s.getNumPacketsReceived();
            drop = s.getNumPacketsDropped();
            ifdrop = s.getNumPacketsDroppedByIf();
        } catch (PcapNativeException | NotOpenException e) {
            // counters unavailable: reported as -1
        }
        return new Stats(captured, recv, drop, ifdrop, ring.dropped());
    }

    /** Stops if needed, records the statistics and closes the handle (unless libpcap still holds it). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stop();
        finalStats = stats();
        closed = true;
        if (finished) {
            handle.close();
        }
    }
}
