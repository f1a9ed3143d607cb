package io.tcplens.capture;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Allocation-free reads of integers from byte arrays in either byte order. */
final class Bytes {

    private static final VarHandle I32_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I16_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I16_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    static int i32(byte[] b, int off, boolean bigEndian) {
        return bigEndian ? (int) I32_BE.get(b, off) : (int) I32_LE.get(b, off);
    }

    static long u32(byte[] b, int off, boolean bigEndian) {
        return i32(b, off, bigEndian) & 0xFFFF_FFFFL;
    }

    static int u16(byte[] b, int off, boolean bigEndian) {
        return (bigEndian ? (short) I16_BE.get(b, off) : (short) I16_LE.get(b, off)) & 0xFFFF;
    }

    static void putI32LE(byte[] b, int off, int v) {
        I32_LE.set(b, off, v);
    }

    static void putI16LE(byte[] b, int off, short v) {
        I16_LE.set(b, off, v);
    }
}
