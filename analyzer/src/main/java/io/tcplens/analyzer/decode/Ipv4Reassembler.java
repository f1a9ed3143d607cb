package io.tcplens.analyzer.decode;

import io.tcplens.analyzer.table.LinearProbing;
import io.tcplens.analyzer.table.SipHash;

/**
 * Puts fragmented IPv4 datagrams back together (RFC 791 §3.2, "Fragmentation and Reassembly")
 * so the TCP segment they carry is seen once, in the frame that completes the datagram, with that
 * frame's time: what Wireshark does with its default {@code ip.defragment}.
 *
 * <p>Datagrams waiting for fragments are found by RFC 791's key (source, destination, protocol,
 * identification) in an open-addressing table hashed with SipHash under a per-run random key
 * ({@link SipHash}), so crafted identifications cannot pile up in one probe chain. Each keeps its
 * bytes in a buffer sized to the highest fragment end seen (a power of two, 512 to 65,536 bytes)
 * and a bitmap of the 8-byte units received (RFC 791 counts offsets in 8-byte units) with a count
 * of them, so a fragment costs its own length, never a rescan of the datagram: a million duplicate
 * fragments cost a million small steps. Overlapping bytes are overwritten by the later fragment.
 *
 * <p>Bounded by memory, not by a count: the bytes held (every buffer and bitmap, plus
 * {@link #OVERHEAD} a datagram, buffers kept for reuse included) stay within a budget,
 * {@link #DEFAULT_MEMORY} = 4 MiB by default, Linux's {@code ipfrag_high_thresh}
 * ({@code net/ipv4/inet_fragment.c}, {@code Documentation/networking/ip-sysctl.rst}). A datagram
 * that would go over it pushes out the oldest pending ones; a datagram also waits at most
 * {@link #TIMEOUT_NS} of capture time (Linux's {@code ipfrag_time}, 30 s). Every datagram given
 * up is counted, by reason, with its fragments, and handed to the {@link DropListener} with its
 * first fragment when that arrived, so the session it belonged to can say it is incomplete.
 * Allocation happens per datagram only while the budget grows, never per frame of unfragmented
 * traffic.
 */
public final class Ipv4Reassembler {

    /** Linux's default {@code ipfrag_high_thresh}: 4 MiB */
    public static final long DEFAULT_MEMORY = 4L << 20;
    public static final long TIMEOUT_NS = 30_000_000_000L;
    private static final int MAX_DATAGRAM = 65_535;
    private static final int MIN_BUFFER = 512;
    private static final int MAX_BUFFER = 65_536;
    /** bytes charged to each datagram besides its buffer and bitmap: the header copy and the fields */
    public static final int OVERHEAD = 192;
    /** the smallest budget: one datagram of the largest size must fit */
    public static final long MIN_MEMORY = cost(MAX_BUFFER);

    /** A datagram given up before it was complete. */
    @FunctionalInterface
    public interface DropListener {
        /**
         * @param firstFragment its first fragment (offset 0) rebuilt as an IPv4 packet: the header,
         *                      total length and MF as captured, then up to 1,024 of its bytes
         * @param captured      bytes of {@code firstFragment} present
         * @param wireLength    the first fragment's IP total length
         * @param fragments     fragments the datagram had received
         * @param ts            capture time of the frame during which it was given up
         */
        void onDropped(byte[] firstFragment, int captured, int wireLength, int fragments, long ts);
    }

    private static final class Datagram {
        long src, dst;
        int id, proto;
        int hash;
        long firstSeenNs;
        byte[] payload;
        long[] units;            // 8-byte units received, one bit each
        int unitsReceived;
        final byte[] header = new byte[60];
        int headerLength;        // 0 until the first fragment (offset 0) arrives
        int firstLength;         // the first fragment's payload length
        int payloadTotal = -1;   // known once the last fragment (MF clear) arrives
        int fragments;
        Datagram older, newer;   // the age list (by first fragment); newer also links the free pool

        Datagram(int capacity) {
            payload = new byte[capacity];
            units = new long[capacity / 512];
        }
    }

    private final SipHash key = SipHash.random();
    private Datagram[] slots = new Datagram[64];
    private int[] hashes = new int[64];
    private int size;
    private Datagram oldest, newest;
    private Datagram pool;

    private long budget = DEFAULT_MEMORY;
    private long held;
    private DropListener dropListener;

    private final byte[] datagram = new byte[60 + MAX_DATAGRAM];
    private final byte[] notice = new byte[60 + 1024];
    private long completed;
    private long droppedForMemory;
    private long timedOut;
    private long incompleteAtEnd;
    private long fragmentsDropped;
    private long rejected;
    private long steps;

    /** The reassembled datagram after {@link #offer} returned its length. */
    public byte[] datagram() {
        return datagram;
    }

    public void setDropListener(DropListener listener) {
        this.dropListener = listener;
    }

    /**
     * Sets the memory budget in bytes (at least {@link #MIN_MEMORY}); pending datagrams beyond it
     * are dropped, oldest first.
     */
    public void setMemory(long bytes) {
        if (bytes < MIN_MEMORY) {
            throw new IllegalArgumentException("the reassembly memory must hold one 64 KiB datagram: at least "
                    + MIN_MEMORY + " bytes");
        }
        budget = bytes;
        reserve(0, null, Long.MIN_VALUE);
    }

    /** bytes a datagram with a buffer of {@code capacity} bytes is charged */
    public static long cost(int capacity) {
        return capacity + capacity / 64 + OVERHEAD;
    }

    /** bytes held now: pending datagrams and buffers kept for reuse */
    public long held() {
        return held;
    }

    public long completed() {
        return completed;
    }

    /** datagrams pushed out, oldest first, to stay within the memory budget */
    public long droppedForMemory() {
        return droppedForMemory;
    }

    /** datagrams still incomplete {@link #TIMEOUT_NS} after their first fragment */
    public long timedOut() {
        return timedOut;
    }

    /** datagrams still incomplete when the input ended ({@link #flush}) */
    public long incompleteAtEnd() {
        return incompleteAtEnd;
    }

    /** datagrams given up, for any of the three reasons */
    public long datagramsDropped() {
        return droppedForMemory + timedOut + incompleteAtEnd;
    }

    /** fragments that never became part of a datagram: those of the datagrams given up, and rejected ones */
    public long fragmentsDropped() {
        return fragmentsDropped;
    }

    /** fragments refused on their own: header length below 20, or reaching past 65,535 bytes (RFC 791) */
    public long rejected() {
        return rejected;
    }

    /** table probes and bitmap words examined so far: the work the tests bound */
    public long steps() {
        return steps;
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
        int frag = ((b[ip + 6] & 0xFF) << 8) | (b[ip + 7] & 0xFF);
        boolean more = (frag & 0x2000) != 0;
        int offset = (frag & 0x1FFF) * 8;
        int length = total - hlen;
        if (hlen < 20 || total < hlen || ip + hlen > end || offset + length > MAX_DATAGRAM) {
            rejected++;           // RFC 791: a datagram is at most 65,535 bytes
            fragmentsDropped++;
            return -1;
        }
        expire(ts);
        long src = u32(b, ip + 12);
        long dst = u32(b, ip + 16);
        int id = ((b[ip + 4] & 0xFF) << 8) | (b[ip + 5] & 0xFF);
        int proto = b[ip + 9] & 0xFF;
        int hash = (int) key.hash(src << 32 | dst, (long) id << 8 | proto);
        Datagram p = find(hash, src, dst, id, proto);
        if (p == null) {
            p = start(hash, src, dst, id, proto, offset + length, ts);
        } else {
            ensureCapacity(p, offset + length, ts);
        }

        int captured = Math.max(0, Math.min(length, end - (ip + hlen)));
        System.arraycopy(b, ip + hlen, p.payload, offset, captured);
        markReceived(p, offset, length);
        p.fragments++;
        if (offset == 0) {
            System.arraycopy(b, ip, p.header, 0, hlen);
            p.headerLength = hlen;
            p.firstLength = length;
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
        remove(p);
        recycle(p);
        completed++;
        return Math.min(whole, 60 + MAX_DATAGRAM);
    }

    /** The input is over: every datagram still pending is given up (counted as incomplete at the end). */
    public void flush(long ts) {
        while (oldest != null) {
            incompleteAtEnd++;
            drop(oldest, ts);
        }
    }

    private void expire(long ts) {
        while (oldest != null && ts - oldest.firstSeenNs > TIMEOUT_NS) {
            timedOut++;
            drop(oldest, ts);
        }
    }

    private Datagram find(int hash, long src, long dst, int id, int proto) {
        int mask = slots.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            steps++;
            Datagram p = slots[i];
            if (p == null) {
                return null;
            }
            if (hashes[i] == hash && p.src == src && p.dst == dst && p.id == id && p.proto == proto) {
                return p;
            }
        }
    }

    private Datagram start(int hash, long src, long dst, int id, int proto, int end, long ts) {
        int capacity = capacityFor(end);
        while (pool == null && oldest != null && held + cost(capacity) > budget) {
            droppedForMemory++;
            drop(oldest, ts);   // its buffers go to the pool, and are used again at once
        }
        Datagram p = pool;
        if (p != null) {
            pool = p.newer;
            p.newer = null;
            ensureCapacity(p, end, ts);
        } else {
            reserve(cost(capacity), null, ts);
            held += cost(capacity);
            p = new Datagram(capacity);
        }
        p.src = src;
        p.dst = dst;
        p.id = id;
        p.proto = proto;
        p.hash = hash;
        p.firstSeenNs = ts;
        p.headerLength = 0;
        p.firstLength = 0;
        p.payloadTotal = -1;
        p.fragments = 0;
        p.unitsReceived = 0;
        java.util.Arrays.fill(p.units, 0);
        steps += p.units.length;
        // newest in the age list, and into the table
        p.older = newest;
        p.newer = null;
        if (newest == null) {
            oldest = p;
        } else {
            newest.newer = p;
        }
        newest = p;
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        place(p);
        size++;
        return p;
    }

    /** grows {@code p}'s buffer and bitmap to hold bytes up to {@code end}, within the budget */
    private void ensureCapacity(Datagram p, int end, long ts) {
        if (end <= p.payload.length) {
            return;
        }
        int capacity = capacityFor(end);
        long more = cost(capacity) - cost(p.payload.length);
        reserve(more, p, ts);
        held += more;
        p.payload = java.util.Arrays.copyOf(p.payload, capacity);
        p.units = java.util.Arrays.copyOf(p.units, capacity / 512);
    }

    private static int capacityFor(int end) {
        return Math.max(MIN_BUFFER, Math.min(MAX_BUFFER, Integer.highestOneBit(Math.max(1, end - 1)) << 1));
    }

    /**
     * Makes room for {@code bytes} more: buffers kept for reuse go first, then the oldest pending
     * datagrams other than {@code keep}. The budget holds one datagram of the largest size, so
     * {@code keep} always fits on its own.
     */
    private void reserve(long bytes, Datagram keep, long ts) {
        while (held + bytes > budget) {
            if (pool != null) {
                held -= cost(pool.payload.length);
                pool = pool.newer;
                continue;
            }
            Datagram victim = oldest == keep ? keep.newer : oldest;
            if (victim == null) {
                return;
            }
            droppedForMemory++;
            drop(victim, ts);
        }
    }

    private void drop(Datagram p, long ts) {
        fragmentsDropped += p.fragments;
        remove(p);
        if (dropListener != null && p.headerLength > 0) {
            int n = Math.min(p.firstLength, notice.length - p.headerLength);
            System.arraycopy(p.header, 0, notice, 0, p.headerLength);
            System.arraycopy(p.payload, 0, notice, p.headerLength, n);
            dropListener.onDropped(notice, p.headerLength + n, p.headerLength + p.firstLength, p.fragments, ts);
        }
        recycle(p);
    }

    /** out of the table and the age list */
    private void remove(Datagram p) {
        int mask = slots.length - 1;
        int i = p.hash & mask;
        steps++;
        while (slots[i] != p) {
            i = (i + 1) & mask;
            steps++;
        }
        steps += LinearProbing.delete(slots, hashes, i);
        size--;
        if (p.older == null) {
            oldest = p.newer;
        } else {
            p.older.newer = p.newer;
        }
        if (p.newer == null) {
            newest = p.older;
        } else {
            p.newer.older = p.older;
        }
        p.older = null;
        p.newer = null;
    }

    private void recycle(Datagram p) {
        p.newer = pool;
        pool = p;
    }

    private void place(Datagram p) {
        int mask = slots.length - 1;
        int i = p.hash & mask;
        steps++;
        while (slots[i] != null) {
            i = (i + 1) & mask;
            steps++;
        }
        slots[i] = p;
        hashes[i] = p.hash;
    }

    private void grow() {
        Datagram[] old = slots;
        slots = new Datagram[old.length * 2];
        hashes = new int[old.length * 2];
        for (Datagram p : old) {
            if (p != null) {
                place(p);
            }
        }
    }

    /** sets the bits of units [offset/8, (offset+length+7)/8), a word at a time, counting the new ones */
    private void markReceived(Datagram p, int offset, int length) {
        int first = offset >>> 3;
        int last = (offset + length + 7) >>> 3;   // exclusive
        for (int unit = first; unit < last; ) {
            int w = unit >>> 6;
            int upto = Math.min(last, (w + 1) << 6);
            long bits = (upto - unit == 64 ? -1L : ((1L << (upto - unit)) - 1)) << (unit & 63);
            p.unitsReceived += Long.bitCount(bits & ~p.units[w]);
            p.units[w] |= bits;
            steps++;
            unit = upto;
        }
    }

    /**
     * Every unit below the end received? The count answers at once; only when it is at least the
     * number needed (units beyond the end may be counted too) are the words below the end checked,
     * at most 128.
     */
    private boolean allReceived(Datagram p) {
        int need = (p.payloadTotal + 7) >>> 3;
        if (p.unitsReceived < need) {
            return false;
        }
        for (int unit = 0; unit < need; unit += 64) {
            steps++;
            int n = Math.min(64, need - unit);
            long bits = n == 64 ? -1L : (1L << n) - 1;
            if ((p.units[unit >>> 6] & bits) != bits) {
                return false;
            }
        }
        return true;
    }

    private static long u32(byte[] b, int i) {
        return ((b[i] & 0xFFL) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }
}
