package io.tcplens.capture;

import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.concurrent.TimeoutException;
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
        if (!Files.exists(path)) {
            throw new CaptureException(CaptureException.Reason.FILE_NOT_FOUND, "no such file: " + path);
        }
        if (!isAvailable()) {
            throw new CaptureException(CaptureException.Reason.LIBPCAP_MISSING, MISSING);
        }
        PcapHandle h;
        try {
            try {
                h = Pcaps.openOffline(path.toString(), PcapHandle.TimestampPrecision.NANO);
            } catch (PcapNativeException | RuntimeException | LinkageError e) {
                // libpcap < 1.5 has no pcap_open_offline_with_tstamp_precision
                h = Pcaps.openOffline(path.toString(), PcapHandle.TimestampPrecision.MICRO);
            }
        } catch (PcapNativeException e) {
            throw new CaptureException(CaptureException.Reason.LIBPCAP_ERROR,
                    "libpcap cannot read " + path + ": " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new CaptureException(CaptureException.Reason.LIBPCAP_MISSING, MISSING, e);
        }
        return new LibpcapFileReader(path, h);
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
                String msg = libpcapMessage(e);
                if (msg.contains("truncated")) {
                    return new ReadResult(frames, bytes, "file truncated (libpcap: " + msg + "); " + frames
                            + " complete frames were read");
                }
                String hint = msg.contains("of the first interface")
                        ? "; libpcap reads pcapng only when all interfaces share one link type and snaplen:"
                                + " use the built-in reader"
                        : "";
                throw new CaptureException(CaptureException.Reason.LIBPCAP_ERROR, "libpcap stopped reading "
                        + path + " after " + frames + " frames: " + msg + hint, e);
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
