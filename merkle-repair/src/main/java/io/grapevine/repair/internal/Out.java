package io.grapevine.repair.internal;

import java.util.Arrays;

/** A growable big-endian byte writer for frame payloads. */
final class Out {
    private byte[] buf;
    private int size;

    Out(int initial) {
        buf = new byte[Math.max(16, initial)];
    }

    int size() {
        return size;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    Out u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    Out i32(int v) {
        ensure(4);
        for (int s = 24; s >= 0; s -= 8) {
            buf[size++] = (byte) (v >>> s);
        }
        return this;
    }

    Out i64(long v) {
        ensure(8);
        for (int s = 56; s >= 0; s -= 8) {
            buf[size++] = (byte) (v >>> s);
        }
        return this;
    }

    /** Unsigned LEB128: small counts and deltas take one byte. */
    Out varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
        return this;
    }

    Out raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    /** @return the bytes written (a copy sized exactly) */
    byte[] toBytes() {
        return Arrays.copyOf(buf, size);
    }

    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            n++;
            v >>>= 7;
        }
        return n;
    }
}
