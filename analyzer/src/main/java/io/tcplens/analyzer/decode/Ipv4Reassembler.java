package io.tcplens.analyzer.decode;

/**
 * Puts fragmented IPv4 datagrams back together (RFC 791 §3.2, "Fragmentation and Reassembly")
 * so the TCP segment they carry is seen once, in the frame that completes the datagram, with that
 * frame's time: what Wireshark does with its default {@code ip.defragment}. Allocation happens per
 * datagram, never per frame of unfragmented traffic. Bounded: at most {@link #MAX_PENDING}
 * datagrams wait at once (the oldest is dropped), each for at most {@link #TIMEOUT_NS} of capture
 * time (Linux's {@code ipfrag_time} is 30 s).
 */
public final class Ipv4Reassembler {

    public static final int MAX_PENDING = 256;
    public static final long TIMEOUT_NS = 30_000_000_000L;
    private static final int MAX_DATAGRAM = 65_535;

    private static final class Pending {
        long src, dst;
        int id, proto;
        long firstSeenNs;
        final byte[] payload = new byte[MAX_DATAGRAM];
        final long[] blocks = new long[(MAX_DATAGRAM / 8 + 64) / 64];  // 8-byte units received
        final byte[] header = new byte[60];
        int headerLength;            // 0 until the first fragment (offset 0) arrives
        int payloadTotal = -1;       // known once the last fragment (MF clear) arrives
        boolean used;
    }

    private final Pending[] pending = new Pending[MAX_PENDING];
    private final byte[] datagram = new byte[60 + MAX_DATAGRAM];
    private long completed;
    private long dropped;

    /** The reassembled datagram after {@link #offer} returned its length. */
    public byte[] datagram() {
        return datagram;
    }

    public long completed() {
        return completed;
    }

    /** datagrams abandoned incomplete (timed out or pushed out by newer ones) */
    public long dropped() {
        return dropped;
    }

    /**
     * True for the IPv4 fragments worth reassembling: those that may carry TCP and were captured
     * whole. Like Wireshark ({@code packet-ip.c} reassembles only when the fragment's bytes all
     * exist in the frame), a fragment cut by the snaplen or shorter than its total length is not
     * reassembled; a first fragment of that kind is then decoded as it stands.
     */
    public static boolean wanted(byte[] b, int ip, int end) {
        if (ip + 20 > end || (b[ip] & 0xF0) != 0x40) {
            return false;
        }
        int total = ((b[ip + 2] & 0xFF) << 8) | (b[ip + 3] & 0xFF);
        if (ip + total > end) {
            return false;
        }
        int frag = ((b[ip + 6] & 0xFF) << 8) | (b[ip + 7] & 0xFF);
        if ((frag & 0x3FFF) == 0) {
            return false;   // not a fragment
        }
        int proto = b[ip + 9] & 0xFF;
        return proto == 6 || proto == 4 || proto == 41 || proto == 47;
    }

    /**
     * Offers the IPv4 fragment whose header starts at {@code b[ip]} (captured bytes end at
     * {@code end}). Returns the length of the whole datagram, now in {@link #datagram()}, when this
     * fragment completes it; otherwise -1.
     */
    public int offer(byte[] b, int ip, int end, long ts) {
        int hlen = (b[ip] & 0x0F) * 4;
        int total = ((b[ip + 2] & 0xFF) << 8) | (b[ip + 3] & 0xFF);
        if (hlen < 20 || total < hlen || ip + hlen > end) {
            return -1;
        }
        int frag = ((b[ip + 6] & 0xFF) << 8) | (b[ip + 7] & 0xFF);
        boolean more = (frag & 0x2000) != 0;
        int offset = (frag & 0x1FFF) * 8;
        int length = total - hlen;
        if (offset + length > MAX_DATAGRAM) {
            return -1;   // RFC 791: a datagram is at most 65,535 bytes
        }
        long src = u32(b, ip + 12);
        long dst = u32(b, ip + 16);
        int id = ((b[ip + 4] & 0xFF) << 8) | (b[ip + 5] & 0xFF);
        int proto = b[ip + 9] & 0xFF;
        Pending p = find(src, dst, id, proto, ts);

        int captured = Math.max(0, Math.min(length, end - (ip + hlen)));
        System.arraycopy(b, ip + hlen, p.payload, offset, captured);
        markReceived(p, offset, length);
        if (offset == 0) {
            System.arraycopy(b, ip, p.header, 0, hlen);
            p.headerLength = hlen;
        }
        if (!more) {
            p.payloadTotal = offset + length;
        }
        if (p.headerLength == 0 || p.payloadTotal < 0 || !allReceived(p)) {
            return -1;
        }
        // RFC 791 reassembly: the first fragment's header, total length of the whole, no fragment fields
        int whole = p.headerLength + p.payloadTotal;
        System.arraycopy(p.header, 0, datagram, 0, p.headerLength);
        System.arraycopy(p.payload, 0, datagram, p.headerLength, p.payloadTotal);
        datagram[2] = (byte) (whole >> 8);
        datagram[3] = (byte) whole;
        datagram[6] = (byte) (datagram[6] & 0x40);   // keep DF, clear MF and the offset
        datagram[7] = 0;
        p.used = false;
        completed++;
        return Math.min(whole, 60 + MAX_DATAGRAM);
    }

    private Pending find(long src, long dst, int id, int proto, long ts) {
        Pending free = null;
        Pending oldest = null;
        for (int i = 0; i < pending.length; i++) {
            Pending p = pending[i];
            if (p == null) {
                if (free == null) {
                    free = pending[i] = new Pending();
                }
                continue;
            }
            if (p.used && ts - p.firstSeenNs > TIMEOUT_NS) {
                p.used = false;
                dropped++;
            }
            if (p.used && p.src == src && p.dst == dst && p.id == id && p.proto == proto) {
                return p;
            }
            if (!p.used && free == null) {
                free = p;
            }
            if (p.used && (oldest == null || p.firstSeenNs < oldest.firstSeenNs)) {
                oldest = p;
            }
        }
        if (free == null) {
            free = oldest;
            dropped++;
        }
        free.used = true;
        free.src = src;
        free.dst = dst;
        free.id = id;
        free.proto = proto;
        free.firstSeenNs = ts;
        free.headerLength = 0;
        free.payloadTotal = -1;
        java.util.Arrays.fill(free.blocks, 0);
        return free;
    }

    private static void markReceived(Pending p, int offset, int length) {
        for (int unit = offset / 8, last = (offset + length + 7) / 8; unit < last; unit++) {
            p.blocks[unit >> 6] |= 1L << (unit & 63);
        }
    }

    private static boolean allReceived(Pending p) {
        for (int unit = 0, last = (p.payloadTotal + 7) / 8; unit < last; unit++) {
            if ((p.blocks[unit >> 6] & (1L << (unit & 63))) == 0) {
                return false;
            }
        }
        return true;
    }

    private static long u32(byte[] b, int i) {
        return ((b[i] & 0xFFL) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }
}
