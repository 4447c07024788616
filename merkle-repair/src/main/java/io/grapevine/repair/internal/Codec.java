package io.grapevine.repair.internal;

import io.grapevine.repair.Entry;
import io.grapevine.repair.EntryDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Payload formats of the data-carrying frames, and packing of long runs into frames of about
 * {@code target} bytes. Every count is checked against the bytes left in the frame before any
 * allocation, so a lying count costs nothing but a protocol error.
 */
final class Codec {
    static final int MAGIC = 0x47565250; // "GVRP"
    static final int VERSION = 1;

    private Codec() {
    }

    /** A leaf unit: the tokens (start, end] and the entry hashes the sender holds there. */
    record Unit(long start, long end, long[] hashes) {
    }

    // ---- bits ---------------------------------------------------------------------------

    static List<Frame> bits(boolean[] bits, int count, int target) {
        List<Frame> frames = new ArrayList<>();
        int perFrame = Math.max(8, (target - 16) * 8);
        for (int from = 0; from < count; from += perFrame) {
            int n = Math.min(perFrame, count - from);
            Out o = new Out(n / 8 + 8).varint(n);
            for (int i = 0; i < n; i += 8) {
                int b = 0;
                for (int j = 0; j < 8 && i + j < n; j++) {
                    if (bits[from + i + j]) {
                        b |= 1 << j;
                    }
                }
                o.u8(b);
            }
            frames.add(new Frame(FrameType.BITS, o.toBytes()));
        }
        return frames;
    }

    static boolean[] readBits(In in) {
        int n = in.count((long) in.remaining() * 8, "bit count");
        boolean[] bits = new boolean[n];
        for (int i = 0; i < n; i += 8) {
            int b = in.u8();
            for (int j = 0; j < 8 && i + j < n; j++) {
                bits[i + j] = (b & (1 << j)) != 0;
            }
        }
        in.end();
        return bits;
    }

    // ---- hashes -------------------------------------------------------------------------

    static List<Frame> hashes(LongList hashes, int target) {
        List<Frame> frames = new ArrayList<>();
        int perFrame = Math.max(1, (target - 16) / 8);
        for (int from = 0; from < hashes.size(); from += perFrame) {
            int n = Math.min(perFrame, hashes.size() - from);
            Out o = new Out(n * 8 + 8).varint(n);
            for (int i = 0; i < n; i++) {
                o.i64(hashes.get(from + i));
            }
            frames.add(new Frame(FrameType.HASHES, o.toBytes()));
        }
        return frames;
    }

    static long[] readHashes(In in) {
        int n = in.count(in.remaining() / 8, "hash count");
        long[] h = new long[n];
        for (int i = 0; i < n; i++) {
            h[i] = in.i64();
        }
        in.end();
        return h;
    }

    // ---- units --------------------------------------------------------------------------

    static List<Frame> units(List<Unit> units, int target) {
        List<Frame> frames = new ArrayList<>();
        Out body = new Out(target);
        int count = 0;
        for (Unit u : units) {
            if (count > 0 && body.size() + 24 + u.hashes().length * 8L > target) {
                frames.add(unitsFrame(count, body));
                body = new Out(target);
                count = 0;
            }
            body.i64(u.start()).i64(u.end()).varint(u.hashes().length);
            for (long h : u.hashes()) {
                body.i64(h);
            }
            count++;
        }
        if (count > 0) {
            frames.add(unitsFrame(count, body));
        }
        return frames;
    }

    private static Frame unitsFrame(int count, Out body) {
        Out o = new Out(body.size() + 5).varint(count).raw(body.toBytes());
        return new Frame(FrameType.UNITS, o.toBytes());
    }

    static List<Unit> readUnits(In in) {
        int n = in.count(in.remaining() / 17, "unit count");
        List<Unit> units = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long start = in.i64();
            long end = in.i64();
            int c = in.count(in.remaining() / 8, "unit hash count");
            long[] h = new long[c];
            for (int j = 0; j < c; j++) {
                h[j] = in.i64();
            }
            units.add(new Unit(start, end, h));
        }
        in.end();
        return units;
    }

    // ---- digests ------------------------------------------------------------------------

    static List<Frame> digests(List<EntryDigest> digests, int target) {
        List<Frame> frames = new ArrayList<>();
        Out body = new Out(Math.min(target, 1024));
        int count = 0;
        for (EntryDigest d : digests) {
            int size = Out.varintSize(d.key().length) + d.key().length + 1 + d.version().length;
            if (count > 0 && body.size() + size > target) {
                frames.add(new Frame(FrameType.DIGESTS, new Out(body.size() + 5).varint(count).raw(body.toBytes()).toBytes()));
                body = new Out(Math.min(target, 1024));
                count = 0;
            }
            body.varint(d.key().length).raw(d.key()).u8(d.version().length).raw(d.version());
            count++;
        }
        if (count > 0) {
            frames.add(new Frame(FrameType.DIGESTS, new Out(body.size() + 5).varint(count).raw(body.toBytes()).toBytes()));
        }
        return frames;
    }

    static List<EntryDigest> readDigests(In in) {
        int n = in.count(in.remaining() / 4, "digest count");
        List<EntryDigest> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] key = in.bytes(in.count(Entry.MAX_KEY_BYTES, "key length"));
            byte[] version = in.bytes(in.u8());
            out.add(checked(() -> new EntryDigest(key, version), in));
        }
        in.end();
        return out;
    }

    // ---- want indices -------------------------------------------------------------------

    static List<Frame> wants(LongList indices, int target) {
        List<Frame> frames = new ArrayList<>();
        int perFrame = Math.max(1, (target - 16) / 5);
        for (int from = 0; from < indices.size(); from += perFrame) {
            int n = Math.min(perFrame, indices.size() - from);
            Out o = new Out(n * 2 + 8).varint(n);
            long prev = 0;
            for (int i = 0; i < n; i++) {
                long v = indices.get(from + i);
                o.varint(v - prev);
                prev = v;
            }
            frames.add(new Frame(FrameType.WANT, o.toBytes()));
        }
        return frames;
    }

    static long[] readWants(In in) {
        int n = in.count(in.remaining(), "want count");
        long[] out = new long[n];
        long prev = 0;
        for (int i = 0; i < n; i++) {
            long delta = in.varint();
            if (delta < 0 || (i > 0 && delta == 0) || prev + delta < prev) {
                throw in.error("want indices must increase");
            }
            prev += delta;
            out[i] = prev;
        }
        in.end();
        return out;
    }

    // ---- entries ------------------------------------------------------------------------

    static int entrySize(Entry e) {
        int v = e.value() == null ? 0 : e.value().length;
        return Out.varintSize(e.key().length) + e.key().length + 1 + e.version().length + 1 + Out.varintSize(v) + v;
    }

    /**
     * Packs entries into ENTRIES frames of about {@code target} bytes; an entry that cannot fit a
     * frame of {@code maxPayload} bytes is left out and counted in {@code skipped}.
     */
    static List<Frame> entries(List<Entry> entries, int target, int maxPayload, long[] skipped) {
        List<Frame> frames = new ArrayList<>();
        Out body = new Out(Math.min(target, 64 * 1024));
        int count = 0;
        for (Entry e : entries) {
            int size = entrySize(e);
            if (size + 16 > maxPayload) {
                skipped[0]++;
                continue;
            }
            if (count > 0 && body.size() + size > target) {
                frames.add(entriesFrame(count, body));
                body = new Out(Math.min(target, 64 * 1024));
                count = 0;
            }
            body.varint(e.key().length).raw(e.key()).u8(e.version().length).raw(e.version());
            if (e.value() == null) {
                body.u8(1);
            } else {
                body.u8(0).varint(e.value().length).raw(e.value());
            }
            count++;
        }
        if (count > 0) {
            frames.add(entriesFrame(count, body));
        }
        return frames;
    }

    private static Frame entriesFrame(int count, Out body) {
        return new Frame(FrameType.ENTRIES, new Out(body.size() + 5).varint(count).raw(body.toBytes()).toBytes());
    }

    static List<Entry> readEntries(In in) {
        int n = in.count(in.remaining() / 5, "entry count");
        List<Entry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] key = in.bytes(in.count(Entry.MAX_KEY_BYTES, "key length"));
            byte[] version = in.bytes(in.u8());
            int flags = in.u8();
            byte[] value;
            if (flags == 1) {
                value = null;
            } else if (flags == 0) {
                value = in.bytes(in.count(in.remaining(), "value length"));
            } else {
                throw in.error("unknown entry flags " + flags);
            }
            out.add(checked(() -> new Entry(key, value, version), in));
        }
        in.end();
        return out;
    }

    private static <T> T checked(java.util.function.Supplier<T> make, In in) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw in.error(e.getMessage());
        }
    }
}
