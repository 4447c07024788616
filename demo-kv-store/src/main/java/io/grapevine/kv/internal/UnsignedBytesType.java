package io.grapevine.kv.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * MVStore data type for byte arrays ordered unsigned lexicographically: the order of token-prefixed
 * keys (token order, then key bytes) and of encoded versions. Stored as a var-int length and the
 * bytes.
 */
public final class UnsignedBytesType extends BasicDataType<byte[]> {
    /** The shared instance (MVStore looks types up by this field). */
    public static final UnsignedBytesType INSTANCE = new UnsignedBytesType();

    /** For MVStore's type registry; use {@link #INSTANCE}. */
    public UnsignedBytesType() {
    }

    @Override
    public int getMemory(byte[] b) {
        return 24 + b.length;
    }

    @Override
    public void write(WriteBuffer buff, byte[] b) {
        buff.putVarInt(b.length).put(b);
    }

    @Override
    public byte[] read(ByteBuffer buff) {
        int length = DataUtils.readVarInt(buff);
        if (length < 0 || length > buff.remaining()) {
            throw new IllegalStateException("corrupt byte array length " + length);
        }
        byte[] b = new byte[length];
        buff.get(b);
        return b;
    }

    @Override
    public byte[][] createStorage(int size) {
        return new byte[size][];
    }

    @Override
    public int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }
}
