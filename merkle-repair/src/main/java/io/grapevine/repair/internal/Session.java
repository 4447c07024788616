package io.grapevine.repair.internal;

import io.grapevine.repair.Entry;
import io.grapevine.repair.EntryDigest;
import io.grapevine.repair.RepairException;
import io.grapevine.repair.RepairProtocolException;
import io.grapevine.repair.RepairStore;
import io.grapevine.ring.TokenRange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One repair session's protocol state machine, for either side. It is fed one decoded frame at a
 * time ({@link #onFrame}) and answers with the frames to send; the transport guarantees frames
 * are fed sequentially, so the state needs no lock. The protocol is half-duplex: a side sends a
 * whole turn, then reads the other's, so neither side can stall the other by not reading.
 *
 * <pre>
 * I: HELLO(range, depth, root)
 * R: SYNCED                                   roots equal: done in one round trip
 *  | HELLO_ACK(mode) ...                      mode DESCEND / SEND_ALL / RECEIVE_ALL
 * descent, alternating turns:   BITS(which of your last hashes differ) HASHES(my hashes of their children) EOT
 *   the side that receives a turn with no HASHES becomes P and starts the leaf exchange:
 * P: UNITS(interval, entry hashes)... EOT     a chunk of differing leaves
 * Q: BITS(which of P's hashes Q lacks) DIGESTS(Q's entries P lacks) EOT
 * P: DIGESTS(P's entries Q lacks) WANT(indices of Q's digests P wants) EOT
 * Q: ENTRIES(what P wants) WANT(indices of P's digests Q wants) EOT
 * P: ENTRIES(what Q wants) then UNITS... EOT (next chunk) or FINISH
 * Q: DONE
 * </pre>
 */
public final class Session {

    /** Which end of the connection this is. */
    public enum Role {
        /** Dialled the peer and sent HELLO. */
        INITIATOR,
        /** Accepted the connection. */
        RESPONDER
    }

    /**
     * Sizes that bound a session's frames and memory.
     *
     * @param maxFrameBytes  the largest frame this side accepts (advertised to the peer)
     * @param frameTarget    frames are cut at about this many bytes
     * @param chunkHashes    entry hashes per leaf chunk sent as P
     * @param maxUnitEntries entries per leaf unit before it is split
     * @param maxScanEntries entries a side accepts in one leaf interval before giving up
     * @param fetchBatch     keys per {@link RepairStore#fetch} call
     */
    public record Limits(int maxFrameBytes, int frameTarget, int chunkHashes, int maxUnitEntries,
                         int maxScanEntries, int fetchBatch) {
    }

    private enum Phase {
        AWAIT_HELLO, AWAIT_ACK, DESCENT, SEND_ALL_PENDING, RECEIVING, P_AWAIT_DIFF, P_AWAIT_ENTRIES,
        Q_AWAIT_UNITS, Q_AWAIT_DIGESTS, AWAIT_DONE, OVER
    }

    private static final int MODE_DESCEND = 0;
    private static final int MODE_SEND_ALL = 1;
    private static final int MODE_RECEIVE_ALL = 2;
    private static final int MAX_ERROR_BYTES = 1024;
    /** Sentinel the transport stops at: everything before it is sent, then the connection closes. */
    public static final Frame CLOSE = Frame.of(FrameType.DONE);

    private final Role role;
    private final RepairStore store;
    private final BucketTree tree;
    private final Limits limits;
    private TokenRange range;
    private RangeLayout layout;
    private long edgeFirst;
    private long edgeLast;
    private long root;
    private int peerMaxFrame = 4096;
    private Phase phase;
    private boolean completed;
    private String mode = "descend";

    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong entriesIn = new AtomicLong();
    private final AtomicLong entriesOut = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private long differences;
    private int turnsSent;

    // descent
    private LongList mine = new LongList();
    private LongList expect = new LongList();
    private LongList nextMine = new LongList();
    private boolean[] bitsOut = new boolean[16];
    private int bitsOutCount;
    private int bitCursor;
    private int hashCursor;
    private boolean sawHashes;
    private final LongList leaves = new LongList();
    private int leafCursor;

    // leaf exchange
    private List<EntryDigest> chunk;
    private int chunkCursor;
    private List<Codec.Unit> units = new ArrayList<>();
    private long unitHashes;
    private List<EntryDigest> myDiff = new ArrayList<>();
    private Map<ByteBuffer, byte[]> myVersions = new HashMap<>();
    private List<EntryDigest> peerDiff = new ArrayList<>();
    private LongList peerWants = new LongList();

    private Session(Role role, RepairStore store, BucketTree tree, Limits limits, TokenRange range) {
        this.role = role;
        this.store = store;
        this.tree = tree;
        this.limits = limits;
        this.range = range;
        this.phase = role == Role.INITIATOR ? Phase.AWAIT_ACK : Phase.AWAIT_HELLO;
    }

    /**
     * @param store  the local store
     * @param tree   the local bucket tree
     * @param limits the bounds
     * @param range  the range to repair
     * @return the initiating side of a session
     */
    public static Session initiator(RepairStore store, BucketTree tree, Limits limits, TokenRange range) {
        return new Session(Role.INITIATOR, store, tree, limits, range);
    }

    /**
     * @param store  the local store
     * @param tree   the local bucket tree
     * @param limits the bounds
     * @return the accepting side of a session; the range comes with HELLO
     */
    public static Session responder(RepairStore store, BucketTree tree, Limits limits) {
        return new Session(Role.RESPONDER, store, tree, limits, null);
    }

    // ---- accessors for reports ----------------------------------------------------------

    /** @return this side's role */
    public Role role() {
        return role;
    }

    /** @return the range, or null before HELLO */
    public TokenRange range() {
        return range;
    }

    /** @return whether the session reached its end normally */
    public boolean completed() {
        return completed;
    }

    /** @return "in-sync", "descend", "send-all" or "receive-all" */
    public String mode() {
        return mode;
    }

    /** @return bytes received (frames with headers) */
    public long bytesIn() {
        return bytesIn.get();
    }

    /** @return bytes sent */
    public long bytesOut() {
        return bytesOut.get();
    }

    /** @return entries received and handed to the store */
    public long entriesIn() {
        return entriesIn.get();
    }

    /** @return entries sent */
    public long entriesOut() {
        return entriesOut.get();
    }

    /** @return entries left out because they cannot fit a frame */
    public long skipped() {
        return skipped.get();
    }

    /** @return keys found to differ */
    public long differences() {
        return differences;
    }

    /** @return turns this side sent (for the initiator: round trips) */
    public int turnsSent() {
        return turnsSent;
    }

    /** @param n bytes received, counted by the transport */
    public void countIn(long n) {
        bytesIn.addAndGet(n);
    }

    /** @param n bytes sent, counted by the transport */
    public void countOut(long n) {
        bytesOut.addAndGet(n);
    }

    /**
     * @param e why the session failed
     * @return the ERROR frame telling the peer
     */
    public static Frame errorFrame(Throwable e) {
        String m = String.valueOf(e.getMessage());
        byte[] b = m.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_ERROR_BYTES) {
            b = Arrays.copyOf(b, MAX_ERROR_BYTES);
        }
        return new Frame(FrameType.ERROR, new Out(b.length + 4).varint(b.length).raw(b).toBytes());
    }

    /** Thrown when the peer reports an error: it is not answered with another ERROR. */
    public static final class PeerError extends RepairException {
        private static final long serialVersionUID = 1L;

        PeerError(String message) {
            super(message);
        }
    }

    /** @return the largest payload both sides accept */
    private int maxPayload() {
        return Math.min(limits.maxFrameBytes(), peerMaxFrame) - Frame.HEADER_BYTES;
    }

    /** @return the size frames are cut at */
    private int target() {
        return Math.min(limits.frameTarget(), maxPayload());
    }

    // ---- start --------------------------------------------------------------------------

    /** @return the initiator's first turn (HELLO); empty for a responder */
    public Flux<Frame> start() {
        if (role != Role.INITIATOR) {
            return Flux.empty();
        }
        return prepare(tree.depth()).map(r -> {
            Out o = new Out(48).i32(Codec.MAGIC).u8(Codec.VERSION).varint(limits.maxFrameBytes()).u8(tree.depth())
                    .i64(range.start()).i64(range.end()).i64(root);
            mine.add(node(0, layout.pieces()));
            turnsSent++;
            return new Frame(FrameType.HELLO, o.toBytes());
        }).flux();
    }

    /** Computes the layout at {@code depth}, the partial edge pieces by scanning, and the root. */
    private Mono<Long> prepare(int depth) {
        layout = RangeLayout.of(range, depth);
        Mono<Long> first = layout.firstPartial() ? scanHash(layout.piece(0)) : Mono.just(0L);
        Mono<Long> last = layout.lastPartial() ? scanHash(layout.piece(layout.pieces() - 1)) : Mono.just(0L);
        return first.zipWith(last).map(t -> {
            edgeFirst = t.getT1();
            edgeLast = t.getT2();
            root = nodeHash(node(0, layout.pieces()));
            return root;
        });
    }

    private Mono<Long> scanHash(TokenRange piece) {
        return store.scan(piece).reduce(0L, (h, d) -> h ^ d.hash());
    }

    // ---- dispatch -----------------------------------------------------------------------

    /**
     * Handles one frame from the peer.
     *
     * @param f the frame
     * @return the frames to send in answer (a whole turn once the peer's turn ended), ending with
     *     {@link #CLOSE} when the session is over
     */
    public Flux<Frame> onFrame(Frame f) {
        if (f.type() == FrameType.ERROR) {
            In in = new In(f.payload(), "ERROR");
            byte[] m = in.bytes(in.count(MAX_ERROR_BYTES, "message length"));
            phase = Phase.OVER;
            return Flux.error(new PeerError("peer aborted the session: " + new String(m, StandardCharsets.UTF_8)));
        }
        if (f.type() == FrameType.ENTRIES
                && (phase == Phase.RECEIVING || phase == Phase.Q_AWAIT_UNITS || phase == Phase.P_AWAIT_ENTRIES)) {
            return applyEntries(f);
        }
        return switch (phase) {
            case AWAIT_HELLO -> f.type() == FrameType.HELLO ? onHello(f) : unexpected(f);
            case AWAIT_ACK -> onAck(f);
            case DESCENT -> onDescent(f);
            case SEND_ALL_PENDING -> f.type() == FrameType.EOT ? sendAll() : unexpected(f);
            case RECEIVING -> f.type() == FrameType.FINISH ? finishReceived() : unexpected(f);
            case P_AWAIT_DIFF -> onDiff(f);
            case P_AWAIT_ENTRIES -> onPeerWants(f);
            case Q_AWAIT_UNITS -> onUnits(f);
            case Q_AWAIT_DIGESTS -> onDigests(f);
            case AWAIT_DONE -> {
                if (f.type() != FrameType.DONE) {
                    yield unexpected(f);
                }
                finish();
                yield Flux.just(CLOSE);
            }
            case OVER -> unexpected(f);
        };
    }

    private Flux<Frame> unexpected(Frame f) {
        return Flux.error(new RepairProtocolException("unexpected " + f.type() + " frame while " + phase));
    }

    private void finish() {
        completed = true;
        phase = Phase.OVER;
    }

    private Flux<Frame> finishReceived() {
        finish();
        if ("receive-all".equals(mode) || "send-all".equals(mode)) {
            differences = entriesIn.get();
        }
        turnsSent++;
        return Flux.just(Frame.of(FrameType.DONE), CLOSE);
    }

    private Flux<Frame> endTurn(Flux<Frame> frames) {
        return frames.concatWith(Mono.fromSupplier(() -> {
            turnsSent++;
            return Frame.of(FrameType.EOT);
        }));
    }

    // ---- handshake ----------------------------------------------------------------------

    private Flux<Frame> onHello(Frame f) {
        In in = new In(f.payload(), "HELLO");
        if (in.i32() != Codec.MAGIC) {
            throw new RepairProtocolException("HELLO frame: bad magic, not a Grapevine repair peer");
        }
        int version = in.u8();
        if (version != Codec.VERSION) {
            throw new RepairProtocolException("HELLO frame: unsupported protocol version " + version);
        }
        int peerMax = in.count(Integer.MAX_VALUE, "max frame size");
        int depth = in.u8();
        long start = in.i64();
        long end = in.i64();
        long peerRoot = in.i64();
        in.end();
        if (depth < 1 || depth > BucketTree.MAX_DEPTH) {
            throw new RepairProtocolException("HELLO frame: depth " + depth + " out of bounds");
        }
        if (peerMax < 4096) {
            throw new RepairProtocolException("HELLO frame: max frame size " + peerMax + " below 4096");
        }
        peerMaxFrame = peerMax;
        try {
            range = new TokenRange(start, end);
        } catch (IllegalArgumentException e) {
            throw new RepairProtocolException("HELLO frame: bad range: " + e.getMessage());
        }
        int agreed = Math.min(depth, tree.depth());
        return prepare(agreed).flatMapMany(mine -> {
            if (mine == peerRoot) {
                mode = "in-sync";
                finish();
                turnsSent++;
                return Flux.just(Frame.of(FrameType.SYNCED), CLOSE);
            }
            int m = mine == 0 ? MODE_SEND_ALL : peerRoot == 0 ? MODE_RECEIVE_ALL : MODE_DESCEND;
            Frame ack = new Frame(FrameType.HELLO_ACK,
                    new Out(24).u8(m).u8(agreed).varint(limits.maxFrameBytes()).i64(mine).toBytes());
            if (m == MODE_SEND_ALL) {
                mode = "send-all";
                phase = Phase.RECEIVING;
                return endTurn(Flux.just(ack));
            }
            if (m == MODE_RECEIVE_ALL) {
                mode = "receive-all";
                return Flux.concat(Flux.just(ack), sendAll());
            }
            // The peer's root is the one candidate it "sent"; compare it like any other.
            phase = Phase.DESCENT;
            expect.add(node(0, layout.pieces()));
            compare(peerRoot);
            return Flux.concat(Flux.just(ack), descentReply());
        });
    }

    private Flux<Frame> onAck(Frame f) {
        if (f.type() == FrameType.SYNCED) {
            mode = "in-sync";
            finish();
            return Flux.just(CLOSE);
        }
        if (f.type() != FrameType.HELLO_ACK) {
            return unexpected(f);
        }
        In in = new In(f.payload(), "HELLO_ACK");
        int m = in.u8();
        int depth = in.u8();
        int peerMax = in.count(Integer.MAX_VALUE, "max frame size");
        long peerRoot = in.i64();
        in.end();
        if (depth < 1 || depth > tree.depth()) {
            throw new RepairProtocolException("HELLO_ACK frame: depth " + depth + " out of bounds");
        }
        if (peerMax < 4096) {
            throw new RepairProtocolException("HELLO_ACK frame: max frame size " + peerMax + " below 4096");
        }
        peerMaxFrame = peerMax;
        switch (m) {
            case MODE_SEND_ALL -> {
                mode = "send-all";
                phase = Phase.SEND_ALL_PENDING;
                return Flux.empty();
            }
            case MODE_RECEIVE_ALL -> {
                mode = "receive-all";
                phase = Phase.RECEIVING;
                return Flux.empty();
            }
            case MODE_DESCEND -> {
                phase = Phase.DESCENT;
                Mono<Long> ready = depth == layout.depth() ? Mono.just(root) : prepare(depth);
                return ready.doOnNext(r -> {
                    mine = new LongList();
                    mine.add(node(0, layout.pieces()));
                }).thenMany(Flux.empty());
            }
            default -> throw new RepairProtocolException("HELLO_ACK frame: unknown mode " + m);
        }
    }

    // ---- descent ------------------------------------------------------------------------

    private static long node(int lo, int hi) {
        return (long) lo << 32 | hi;
    }

    private static int lo(long node) {
        return (int) (node >>> 32);
    }

    private static int hi(long node) {
        return (int) node;
    }

    private long nodeHash(long node) {
        return layout.hash(tree, lo(node), hi(node), edgeFirst, edgeLast);
    }

    private void expand(long node, LongList into) {
        int lo = lo(node);
        int hi = hi(node);
        if (hi - lo == 1) {
            leaves.add(node);
        } else {
            int mid = (lo + hi) >>> 1;
            into.add(node(lo, mid));
            into.add(node(mid, hi));
        }
    }

    private Flux<Frame> onDescent(Frame f) {
        switch (f.type()) {
            case BITS -> {
                if (sawHashes) {
                    throw new RepairProtocolException("BITS frame after HASHES in one turn");
                }
                for (boolean differs : Codec.readBits(new In(f.payload(), "BITS"))) {
                    if (bitCursor >= mine.size()) {
                        throw new RepairProtocolException("BITS frame: more bits than nodes sent");
                    }
                    long n = mine.get(bitCursor++);
                    if (differs) {
                        expand(n, expect);
                    }
                }
                return Flux.empty();
            }
            case HASHES -> {
                sawHashes = true;
                for (long h : Codec.readHashes(new In(f.payload(), "HASHES"))) {
                    if (hashCursor >= expect.size()) {
                        throw new RepairProtocolException("HASHES frame: more hashes than differing children");
                    }
                    compare(h);
                }
                return Flux.empty();
            }
            case EOT -> {
                if (bitCursor != mine.size() || hashCursor != expect.size()) {
                    throw new RepairProtocolException("turn ended with " + bitCursor + "/" + mine.size() + " bits and "
                            + hashCursor + "/" + expect.size() + " hashes");
                }
                if (expect.isEmpty()) {
                    // The peer had nothing left to compare: the differing leaves are known, we lead the leaf exchange.
                    resetDescent();
                    return nextChunk();
                }
                return descentReply();
            }
            default -> {
                return unexpected(f);
            }
        }
    }

    /** Compares the peer's hash of the next expected node with ours. */
    private void compare(long peerHash) {
        long n = expect.get(hashCursor++);
        boolean differs = nodeHash(n) != peerHash;
        if (bitsOutCount == bitsOut.length) {
            bitsOut = Arrays.copyOf(bitsOut, bitsOutCount * 2);
        }
        bitsOut[bitsOutCount++] = differs;
        if (differs) {
            expand(n, nextMine);
        }
    }

    private Flux<Frame> descentReply() {
        LongList hashes = new LongList();
        for (int i = 0; i < nextMine.size(); i++) {
            hashes.add(nodeHash(nextMine.get(i)));
        }
        List<Frame> frames = new ArrayList<>(Codec.bits(bitsOut, bitsOutCount, target()));
        frames.addAll(Codec.hashes(hashes, target()));
        boolean over = nextMine.isEmpty();
        mine = nextMine;
        resetDescent();
        if (over) {
            phase = Phase.Q_AWAIT_UNITS;
        }
        return endTurn(Flux.fromIterable(frames));
    }

    private void resetDescent() {
        nextMine = new LongList();
        expect = new LongList();
        bitsOutCount = 0;
        bitCursor = 0;
        hashCursor = 0;
        sawHashes = false;
    }

    // ---- leaf exchange: P side ----------------------------------------------------------

    /** Scans the next differing leaves into a chunk of units and sends them, or FINISH when none are left. */
    private Flux<Frame> nextChunk() {
        if (leafCursor >= leaves.size()) {
            phase = Phase.AWAIT_DONE;
            turnsSent++;
            return Flux.just(Frame.of(FrameType.FINISH));
        }
        List<Codec.Unit> out = new ArrayList<>();
        List<EntryDigest> entries = new ArrayList<>();
        return Flux.range(leafCursor, leaves.size() - leafCursor)
                .concatMap(i -> {
                    leafCursor = i + 1;
                    TokenRange piece = layout.piece(lo(leaves.get(i)));
                    return scanBounded(piece).doOnNext(list -> split(piece, list, out, entries));
                })
                .takeUntil(x -> entries.size() >= limits.chunkHashes() || out.size() >= limits.chunkHashes() / 4)
                .thenMany(Flux.defer(() -> {
                    chunk = entries;
                    chunkCursor = 0;
                    phase = Phase.P_AWAIT_DIFF;
                    return endTurn(Flux.fromIterable(Codec.units(out, target())));
                }));
    }

    private Mono<List<EntryDigest>> scanBounded(TokenRange interval) {
        return store.scan(interval).take(limits.maxScanEntries() + 1L).collectList().map(list -> {
            if (list.size() > limits.maxScanEntries()) {
                throw new RepairException("more than " + limits.maxScanEntries() + " entries in one tree bucket "
                        + interval + ": configure a deeper tree");
            }
            return list;
        });
    }

    /** Cuts a scanned piece into units of at most maxUnitEntries, never between entries of one token. */
    private void split(TokenRange piece, List<EntryDigest> scanned, List<Codec.Unit> out, List<EntryDigest> entries) {
        long start = piece.start();
        int from = 0;
        long prevToken = 0;
        for (int i = 0; i < scanned.size(); i++) {
            long token = scanned.get(i).token();
            if (i - from >= limits.maxUnitEntries() && token != prevToken) {
                out.add(unit(start, prevToken, scanned, from, i));
                start = prevToken;
                from = i;
            }
            prevToken = token;
        }
        out.add(unit(start, piece.end(), scanned, from, scanned.size()));
        entries.addAll(scanned);
    }

    private static Codec.Unit unit(long start, long end, List<EntryDigest> scanned, int from, int to) {
        long[] h = new long[to - from];
        for (int i = from; i < to; i++) {
            h[i - from] = scanned.get(i).hash();
        }
        return new Codec.Unit(start, end, h);
    }

    private Flux<Frame> onDiff(Frame f) {
        switch (f.type()) {
            case BITS -> {
                for (boolean lacks : Codec.readBits(new In(f.payload(), "BITS"))) {
                    if (chunkCursor >= chunk.size()) {
                        throw new RepairProtocolException("BITS frame: more bits than hashes sent");
                    }
                    EntryDigest d = chunk.get(chunkCursor++);
                    if (lacks) {
                        myDiff.add(d);
                    }
                }
                return Flux.empty();
            }
            case DIGESTS -> {
                receiveDigests(f);
                return Flux.empty();
            }
            case EOT -> {
                if (chunkCursor != chunk.size()) {
                    throw new RepairProtocolException("turn ended with " + chunkCursor + " of " + chunk.size() + " bits");
                }
                chunk = null;
                indexMyDiff();
                LongList wants = decideWants();
                List<Frame> frames = new ArrayList<>(Codec.digests(myDiff, target()));
                frames.addAll(Codec.wants(wants, target()));
                peerDiff = new ArrayList<>();
                phase = Phase.P_AWAIT_ENTRIES;
                return endTurn(Flux.fromIterable(frames));
            }
            default -> {
                return unexpected(f);
            }
        }
    }

    private Flux<Frame> onPeerWants(Frame f) {
        switch (f.type()) {
            case WANT -> {
                receiveWants(f);
                return Flux.empty();
            }
            case EOT -> {
                Flux<Frame> entries = sendWanted();
                return entries.concatWith(Flux.defer(this::nextChunk));
            }
            default -> {
                return unexpected(f);
            }
        }
    }

    // ---- leaf exchange: Q side ----------------------------------------------------------

    private Flux<Frame> onUnits(Frame f) {
        switch (f.type()) {
            case UNITS -> {
                for (Codec.Unit u : Codec.readUnits(new In(f.payload(), "UNITS"))) {
                    if (!within(u.start(), u.end())) {
                        throw new RepairProtocolException("UNITS frame: interval (" + u.start() + ", " + u.end()
                                + "] is not inside the session's range " + range);
                    }
                    unitHashes += u.hashes().length;
                    if (unitHashes > 4L * limits.maxScanEntries()) {
                        throw new RepairProtocolException("UNITS: more than " + 4L * limits.maxScanEntries()
                                + " hashes in one turn");
                    }
                    units.add(u);
                }
                return Flux.empty();
            }
            case FINISH -> {
                return finishReceived();
            }
            case EOT -> {
                List<Codec.Unit> todo = units;
                units = new ArrayList<>();
                unitHashes = 0;
                List<Boolean> lacks = new ArrayList<>();
                return Flux.fromIterable(todo)
                        .concatMap(u -> scanBounded(new TokenRange(u.start(), u.end())).doOnNext(mineHere -> {
                            LongSet theirs = new LongSet(u.hashes().length);
                            for (long h : u.hashes()) {
                                theirs.add(h);
                            }
                            LongSet ours = new LongSet(mineHere.size());
                            for (EntryDigest d : mineHere) {
                                long h = d.hash();
                                ours.add(h);
                                if (!theirs.contains(h)) {
                                    myDiff.add(d);
                                }
                            }
                            if (myDiff.size() > 4L * limits.maxScanEntries()) {
                                throw new RepairException("more than " + 4L * limits.maxScanEntries()
                                        + " differing entries in one chunk: configure a deeper tree");
                            }
                            for (long h : u.hashes()) {
                                lacks.add(!ours.contains(h));
                            }
                        }))
                        .thenMany(Flux.defer(() -> {
                            boolean[] bits = new boolean[lacks.size()];
                            for (int i = 0; i < bits.length; i++) {
                                bits[i] = lacks.get(i);
                            }
                            indexMyDiff();
                            List<Frame> frames = new ArrayList<>(Codec.bits(bits, bits.length, target()));
                            frames.addAll(Codec.digests(myDiff, target()));
                            phase = Phase.Q_AWAIT_DIGESTS;
                            return endTurn(Flux.fromIterable(frames));
                        }));
            }
            default -> {
                return unexpected(f);
            }
        }
    }

    private boolean within(long start, long end) {
        if (start >= end) {
            return false;
        }
        long s = range.start();
        long e = range.end();
        if (s == e) {
            return true;
        }
        if (s < e) {
            return start >= s && end <= e;
        }
        // Wrapping range: the interval must avoid the gap (e, s].
        return end <= e || start >= s;
    }

    private Flux<Frame> onDigests(Frame f) {
        switch (f.type()) {
            case DIGESTS -> {
                receiveDigests(f);
                return Flux.empty();
            }
            case WANT -> {
                receiveWants(f);
                return Flux.empty();
            }
            case EOT -> {
                LongList wants = decideWants();
                Flux<Frame> entries = sendWanted();
                phase = Phase.Q_AWAIT_UNITS;
                return endTurn(entries.concatWith(Flux.defer(() -> Flux.fromIterable(Codec.wants(wants, target())))));
            }
            default -> {
                return unexpected(f);
            }
        }
    }

    // ---- shared leaf-exchange steps -----------------------------------------------------

    private void receiveDigests(Frame f) {
        List<EntryDigest> ds = Codec.readDigests(new In(f.payload(), "DIGESTS"));
        if (peerDiff.size() + (long) ds.size() > 4L * limits.maxScanEntries()) {
            throw new RepairProtocolException("DIGESTS: more than " + 4L * limits.maxScanEntries() + " in one turn");
        }
        peerDiff.addAll(ds);
    }

    private void receiveWants(Frame f) {
        for (long i : Codec.readWants(new In(f.payload(), "WANT"))) {
            if (i >= myDiff.size() || (!peerWants.isEmpty() && i <= peerWants.get(peerWants.size() - 1))) {
                throw new RepairProtocolException("WANT frame: index " + i + " invalid for " + myDiff.size() + " digests");
            }
            peerWants.add(i);
        }
    }

    private void indexMyDiff() {
        myVersions = new HashMap<>();
        for (EntryDigest d : myDiff) {
            myVersions.put(ByteBuffer.wrap(d.key()), d.version());
        }
    }

    /** Asks the store's merge rule which of the peer's differing entries this side wants; counts differences. */
    private LongList decideWants() {
        Set<ByteBuffer> keys = new HashSet<>(myVersions.keySet());
        LongList wants = new LongList();
        for (int i = 0; i < peerDiff.size(); i++) {
            EntryDigest d = peerDiff.get(i);
            ByteBuffer k = ByteBuffer.wrap(d.key());
            keys.add(k);
            if (store.wants(d.key(), myVersions.get(k), d.version())) {
                wants.add(i);
            }
        }
        differences += keys.size();
        return wants;
    }

    /** Streams the entries of myDiff the peer asked for, then forgets this chunk's leaf state. */
    private Flux<Frame> sendWanted() {
        List<byte[]> keys = new ArrayList<>(peerWants.size());
        for (int i = 0; i < peerWants.size(); i++) {
            keys.add(myDiff.get((int) peerWants.get(i)).key());
        }
        myDiff = new ArrayList<>();
        myVersions = new HashMap<>();
        peerDiff = new ArrayList<>();
        peerWants = new LongList();
        return streamEntries(Flux.fromIterable(keys));
    }

    private Flux<Frame> sendAll() {
        phase = Phase.AWAIT_DONE;
        return streamEntries(store.scan(range).map(EntryDigest::key))
                .concatWith(Mono.fromSupplier(() -> {
                    turnsSent++;
                    differences = entriesOut.get();
                    return Frame.of(FrameType.FINISH);
                }));
    }

    private Flux<Frame> streamEntries(Flux<byte[]> keys) {
        long[] skip = new long[1];
        return keys.buffer(limits.fetchBatch())
                .concatMap(store::fetch, 1)
                .concatMapIterable(batch -> {
                    skip[0] = 0;
                    List<Frame> frames = Codec.entries(batch, target(),
                            maxPayload(), skip);
                    skipped.addAndGet(skip[0]);
                    entriesOut.addAndGet(batch.size() - skip[0]);
                    return frames;
                });
    }

    private Flux<Frame> applyEntries(Frame f) {
        List<Entry> entries = Codec.readEntries(new In(f.payload(), "ENTRIES"));
        return store.apply(entries).then(Mono.fromRunnable(() -> entriesIn.addAndGet(entries.size()))).thenMany(Flux.empty());
    }
}
