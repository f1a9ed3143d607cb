package io.tcplens.capture;

import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

/**
 * Reads a capture file through libpcap (pcap4j, JNA). Unlike the built-in readers this path
 * allocates per frame (pcap4j copies each frame into a new array and builds a Timestamp); it exists
 * as a second opinion and for formats libpcap knows. libpcap reads pcapng only when all interfaces
 * share one link type and snaplen, and it cuts a pcap record whose caplen exceeds the file's snaplen
 * to the snaplen (the built-in reader and tshark deliver the whole record).
 */
public final class LibpcapFileReader implements PacketSource {

    static final String MISSING = "libpcap is not installed: install it (Debian/Ubuntu: apt-get install "
            + "libpcap0.8; Fedora: dnf install libpcap) or use the built-in reader";

    private static volatile Boolean available;

    private final Path path;
    private final PcapHandle handle;
    private final int linkType;

    private LibpcapFileReader(Path path, PcapHandle handle) {
        this.path = path;
        this.handle = handle;
        this.linkType = linkTypeOf(handle.getDlt().value());
    }

    /** True when libpcap can be loaded; tries once, never throws. */
    public static boolean isAvailable() {
        Boolean a = available;
        if (a == null) {
            boolean ok;
            try {
                ok = Pcaps.libVersion() != null;
            } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError
                ok = false;
            }
            available = a = ok;
        }
        return a;
    }

    /** libpcap's version string, or null when libpcap cannot be loaded */
    public static String libraryVersion() {
        return isAvailable() ? Pcaps.libVersion() : null;
    }

    /** Opens {@code path} with libpcap, nanosecond precision when libpcap offers it. */
    public static LibpcapFileReader open(Path path) throws CaptureException {
        return open(path, () -> false);
    }

    /**
     * Opens {@code path} with libpcap; {@link CaptureFiles#STDIN} is libpcap's own "-" (standard input,
     * pcap_open_offline(3PCAP)), and a pipe or FIFO is opened by name: libpcap reads it as a stream. A
     * FIFO's open waits for a writer: that wait runs on a daemon thread and is given up soon after
     * {@code stop} turns true. (Once open, libpcap's reads block in libpcap.)
     */
    public static LibpcapFileReader open(Path path, BooleanSupplier stop) throws CaptureException {
        boolean stdin = CaptureFiles.STDIN.equals(path);
        if (!stdin && !Files.exists(path)) {
            throw new CaptureException(CaptureException.Reason.FILE_NOT_FOUND, "no such file: " + path);
        }
        if (!isAvailable()) {
            throw new CaptureException(CaptureException.Reason.LIBPCAP_MISSING, MISSING);
        }
        String name = stdin ? "-" : path.toString();
        PcapHandle h;
        try {
            if (CaptureFiles.isStream(path)) {
                FutureTask<PcapHandle> opening = new FutureTask<>(() -> openOffline(name));
                Thread t = new Thread(opening, "tcplens-libpcap-open");
                t.setDaemon(true);   // may stay blocked in open(2) of a FIFO nobody writes
                t.start();
                h = await(opening, path, stop);
            } else {
                h = openOffline(name);
            }
        } catch (PcapNativeException e) {
            // pcap_open_offline fails when fopen(3) does (its message ends with strerror) or when the
            // header is not one libpcap reads (sf-pcap.c, sf-pcapng.c: "unknown file format", "truncated dump file")
            String msg = String.valueOf(e.getMessage());
            boolean unreadable = msg.contains("No such file") || msg.contains("Permission denied")
                    || msg.contains("Is a directory");
            throw new CaptureException(unreadable ? CaptureException.Reason.IO_ERROR
                    : CaptureException.Reason.NOT_A_CAPTURE,
                    "libpcap cannot read " + CaptureFiles.name(path) + ": " + msg, e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new CaptureException(CaptureException.Reason.LIBPCAP_MISSING, MISSING, e);
        }
        return new LibpcapFileReader(path, h);
    }

    private static PcapHandle openOffline(String name) throws PcapNativeException {
        try {
            return Pcaps.openOffline(name, PcapHandle.TimestampPrecision.NANO);
        } catch (PcapNativeException e) {
            if (!String.valueOf(e.getMessage()).contains("is not supported by the pcap library")) {
                throw e;   // libpcap's answer about the file: not retried (standard input cannot be read twice)
            }
        } catch (RuntimeException | LinkageError e) {
            // fall through
        }
        // libpcap < 1.5 has no pcap_open_offline_with_tstamp_precision (pcap4j says "... is not
        // supported by the pcap library installed in this environment")
        return Pcaps.openOffline(name, PcapHandle.TimestampPrecision.MICRO);
    }

    /** the result of {@code opening}, polling {@code stop} while it waits */
    private static PcapHandle await(FutureTask<PcapHandle> opening, Path path, BooleanSupplier stop)
            throws CaptureException, PcapNativeException {
        while (true) {
            try {
                return opening.get(StreamChannel.POLL_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (stop.getAsBoolean()) {
                    throw new CaptureException(CaptureException.Reason.IO_ERROR,
                            "stopped while waiting for " + CaptureFiles.name(path) + " to be written");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CaptureException(CaptureException.Reason.IO_ERROR,
                        "interrupted while opening " + CaptureFiles.name(path));
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof PcapNativeException p) {
                    throw p;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new CaptureException(CaptureException.Reason.LIBPCAP_ERROR,
                        "libpcap cannot read " + CaptureFiles.name(path) + ": " + cause, cause);
            }
        }
    }

    /** LINKTYPE_ value of the file (mapped back from libpcap's DLT_ value) */
    public int linkType() {
        return linkType;
    }

    @Override
    public ReadResult readAll(FrameHandler handler) throws CaptureException {
        long frames = 0;
        long bytes = 0;
        while (true) {
            byte[] data;
            try {
                data = handle.getNextRawPacketEx();
            } catch (EOFException e) {
                return new ReadResult(frames, bytes, null);
            } catch (PcapNativeException e) {
                // libpcap stops at the first record or block it cannot read (cut short, or impossible:
                // "pcapng block size N > maximum M"); the frames before it were delivered
                String msg = libpcapMessage(e);
                if (msg.contains("truncated")) {
                    return new ReadResult(frames, bytes, "file truncated (libpcap: " + msg + "); " + frames
                            + " complete frames were read");
                }
                String hint = msg.contains("of the first interface")
                        ? "; libpcap reads pcapng only when all interfaces share one link type and snaplen:"
                                + " use the built-in reader"
                        : "";
                return new ReadResult(frames, bytes, "libpcap stopped reading after " + frames + " frames: " + msg
                        + hint);
            } catch (IllegalArgumentException e) {
                // pcap4j's Timestamp.setNanos rejects a fraction >= 1 s; the frame is lost
                return new ReadResult(frames, bytes, "frame " + (frames + 1) + " has a timestamp fraction of 1 s or"
                        + " more that pcap4j cannot represent; " + frames + " complete frames were read");
            } catch (TimeoutException | NotOpenException e) {
                throw new CaptureException(CaptureException.Reason.LIBPCAP_ERROR,
                        "libpcap stopped reading " + path + ": " + e, e);
            }
            Timestamp ts = handle.getTimestamp();
            long ns = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
            handler.onFrame(ns, linkType, 0, data, 0, data.length, handle.getOriginalLength());
            frames++;
            bytes += 16 + data.length;
        }
    }

    /** libpcap's own words, without pcap4j's "Error occurred in pcap_next_ex(): " prefix */
    private static String libpcapMessage(PcapNativeException e) {
        String msg = String.valueOf(e.getMessage());
        int i = msg.indexOf("(): ");
        return msg.startsWith("Error occurred in ") && i > 0 ? msg.substring(i + 4) : msg;
    }

    /** libpcap's DLT_ values that differ from the LINKTYPE_ written in files (pcap-common.c) */
    static int linkTypeOf(int dlt) {
        return switch (dlt) {
            case 11 -> 100; // DLT_ATM_RFC1483
            case 12, 14 -> 101; // DLT_RAW (14 on OpenBSD)
            case 15 -> 102; // DLT_SLIP_BSDOS
            case 16 -> 103; // DLT_PPP_BSDOS
            case 19 -> 106; // DLT_ATM_CLIP
            default -> dlt;
        };
    }

    @Override
    public void close() {
        handle.close();
    }
}
