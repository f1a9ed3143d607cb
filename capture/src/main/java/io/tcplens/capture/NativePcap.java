package io.tcplens.capture;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import org.pcap4j.core.PcapHandle;

/**
 * The per-packet read of a live capture, straight through JNA's direct mapping: {@code pcap_next_ex}
 * on the {@code pcap_t} that pcap4j opened and configured (pcap4j keeps it in the private field
 * {@code PcapHandle.handle}; 1.8.2 has no public accessor). Every argument is a primitive
 * {@code long} (the address of a reusable 16-byte block that receives the two out-pointers), and the
 * header and the frame are read through two reusable {@link Pointer}s whose address is swapped with
 * {@link Pointer#nativeValue(Pointer, long)}: nothing is allocated per packet.
 *
 * <p>Linux on a 64-bit JVM only ({@code struct pcap_pkthdr} is then {@code {long tv_sec; long tv_usec;
 * uint32 caplen; uint32 len}}: caplen at 16, len at 20); elsewhere, or when the mapping cannot be made,
 * {@link #AVAILABLE} is false and {@link LiveCapture} reads through pcap4j.
 */
final class NativePcap {

    /** true when {@link #pcap_next_ex} is bound and {@link #pcapT} can reach pcap4j's pointer */
    static final boolean AVAILABLE;
    /** why not, when {@link #AVAILABLE} is false */
    static final String WHY_NOT;

    private static final Field HANDLE_FIELD;

    static {
        String why = null;
        Field f = null;
        try {
            if (!Platform.isLinux() || Native.POINTER_SIZE != 8 || Native.LONG_SIZE != 8) {
                why = "direct reads are implemented for 64-bit Linux only";
            } else {
                f = PcapHandle.class.getDeclaredField("handle");
                f.setAccessible(true);
                String lib = System.getProperty("org.pcap4j.core.pcapLibName", "pcap");
                Native.register(NativePcap.class, NativeLibrary.getInstance(lib));
            }
        } catch (Throwable t) { // NoSuchFieldException, InaccessibleObjectException, UnsatisfiedLinkError, ...
            why = t.toString();
            f = null;
        }
        HANDLE_FIELD = why == null ? f : null;
        AVAILABLE = why == null;
        WHY_NOT = why;
    }

    private NativePcap() {
    }

    /** {@code int pcap_next_ex(pcap_t *p, struct pcap_pkthdr **hdr, const u_char **data)} */
    static native int pcap_next_ex(long pcap, long hdrOut, long dataOut);

    /** the {@code pcap_t *} behind a pcap4j handle */
    static long pcapT(PcapHandle h) throws ReflectiveOperationException {
        Pointer p = (Pointer) HANDLE_FIELD.get(h);
        long addr = Pointer.nativeValue(p);
        if (addr == 0) {
            throw new IllegalStateException("pcap4j handle has no pcap_t");
        }
        return addr;
    }

    /**
     * One reader per capture thread: the out-pointer block and the two movable pointers. Not
     * thread-safe; used by the capture thread only.
     */
    static final class Reader {
        static final int OK = 1;
        static final int TIMEOUT = 0;
        static final int ERROR = -1;
        static final int BREAK = -2;

        private final long pcap;
        private final Memory out = new Memory(16);
        private final long outAddr = Pointer.nativeValue(out);
        private final Pointer hdr = new Pointer(0);
        private final Pointer data = new Pointer(0);

        Reader(long pcap) {
            this.pcap = pcap;
            out.clear();
        }

        /** {@code pcap_next_ex}: 1 packet (header and data readable until the next call), 0, -1, -2 */
        int next() {
            int rc = pcap_next_ex(pcap, outAddr, outAddr + 8);
            if (rc == OK) {
                Pointer.nativeValue(hdr, out.getLong(0));
                Pointer.nativeValue(data, out.getLong(8));
            }
            return rc;
        }

        long seconds() {
            return hdr.getLong(0);
        }

        /** microseconds, or nanoseconds with {@code PCAP_TSTAMP_PRECISION_NANO} */
        long fraction() {
            return hdr.getLong(8);
        }

        int capturedLength() {
            return hdr.getInt(16);
        }

        int originalLength() {
            return hdr.getInt(20);
        }

        /** copies {@code len} bytes of the current frame into {@code dst[at...]} */
        void copy(byte[] dst, int at, int len) {
            data.read(0, dst, at, len);
        }
    }
}
