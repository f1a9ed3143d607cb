package io.tcplens.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Builds pcap and pcapng file images byte by byte for tests (layouts from the IETF drafts). */
final class CaptureBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order;

    private CaptureBytes(ByteOrder order) {
        this.order = order;
    }

    // ---- pcap (draft-ietf-opsawg-pcap) ----

    static CaptureBytes pcap(ByteOrder order, boolean nanos, int linkTypeField, int snaplen) {
        CaptureBytes c = new CaptureBytes(order);
        c.u32(nanos ? 0xA1B23C4D : 0xA1B2C3D4).u16(2).u16(4).u32(0).u32(0).u32(snaplen).u32(linkTypeField);
        return c;
    }

    CaptureBytes record(long sec, long frac, byte[] data, int origlen) {
        return u32((int) sec).u32((int) frac).u32(data.length).u32(origlen).raw(data);
    }

    // ---- pcapng (draft-ietf-opsawg-pcapng) ----

    static CaptureBytes pcapng(ByteOrder order) {
        return new CaptureBytes(order).shb(order);
    }

    /** a Section Header Block in {@code order}; later blocks use that order */
    CaptureBytes shb(ByteOrder newOrder) {
        order = newOrder;
        return block(0x0A0D0D0A, body().u32(0x1A2B3C4D).u16(1).u16(0).u64(-1L).bytes());
    }

    /** IDB; tsresol &lt; 0 leaves if_tsresol out; tsoffset 0 leaves if_tsoffset out */
    CaptureBytes idb(int linkType, int snaplen, int tsresol, long tsoffsetSec) {
        CaptureBytes b = body().u16(linkType).u16(0).u32(snaplen);
        if (tsresol >= 0) {
            b.u16(9).u16(1).raw(new byte[] {(byte) tsresol, 0, 0, 0});
        }
        if (tsoffsetSec != 0) {
            b.u16(14).u16(8).u64(tsoffsetSec);
        }
        if (tsresol >= 0 || tsoffsetSec != 0) {
            b.u16(0).u16(0);
        }
        return block(1, b.bytes());
    }

    CaptureBytes epb(int ifId, long units, byte[] data, int origlen) {
        return block(6, body().u32(ifId).u32((int) (units >>> 32)).u32((int) units).u32(data.length)
                .u32(origlen).raw(pad(data)).bytes());
    }

    CaptureBytes pb(int ifId, long units, byte[] data, int origlen) {
        return block(2, body().u16(ifId).u16(0).u32((int) (units >>> 32)).u32((int) units).u32(data.length)
                .u32(origlen).raw(pad(data)).bytes());
    }

    CaptureBytes spb(int origlen, byte[] data) {
        return block(3, body().u32(origlen).raw(pad(data)).bytes());
    }

    CaptureBytes block(int type, byte[] body) {
        int len = 12 + body.length;
        return u32(type).u32(len).raw(body).u32(len);
    }

    // ---- primitives ----

    private CaptureBytes body() {
        return new CaptureBytes(order);
    }

    static byte[] pad(byte[] data) {
        return Arrays.copyOf(data, (data.length + 3) & ~3);
    }

    CaptureBytes u16(int v) {
        return raw(ByteBuffer.allocate(2).order(order).putShort((short) v).array());
    }

    CaptureBytes u32(int v) {
        return raw(ByteBuffer.allocate(4).order(order).putInt(v).array());
    }

    CaptureBytes u64(long v) {
        return raw(ByteBuffer.allocate(8).order(order).putLong(v).array());
    }

    CaptureBytes raw(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** n bytes 1, 2, 3, ... (mod 256) starting at {@code first} */
    static byte[] payload(int n, int first) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (first + i);
        }
        return b;
    }
}
