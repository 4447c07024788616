package io.grapevine.membership.internal.protocol;

import io.grapevine.membership.MemberState;
import io.grapevine.membership.MembershipEvent;
import io.grapevine.membership.internal.codec.Message;
import io.grapevine.membership.internal.codec.WireCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The rules by which alive, suspect and dead messages change the member table (memberlist's
 * {@code aliveNode}, {@code suspectNode}, {@code deadNode}, refutation and push/pull merge).
 * This is the one place where member state changes; it runs only on the protocol worker.
 */
public final class MembershipState {
    /** The protocol versions we speak: [PMin, PMax, PCur, DMin, DMax, DCur], as serf sends. */
    public static final byte[] VSN = {1, 5, 2, 2, 5, 5};
    private static final Logger log = LoggerFactory.getLogger(MembershipState.class);

    private final String self;
    private final MemberTable table;
    private final BroadcastQueue broadcasts;
    private final Awareness awareness;
    private final ProtocolClock clock;
    private final ProtocolMetrics metrics;
    private final MembershipListener listener;
    private final int suspicionMult;
    private final int suspicionMaxTimeoutMult;
    private final long probeIntervalMillis;
    private final Map<String, PendingSuspicion> suspicions = new HashMap<>();
    private boolean left;

    /**
     * @param self                    this node's name
     * @param table                   the member table
     * @param broadcasts              the gossip queue
     * @param awareness               local health
     * @param clock                   time and timers
     * @param metrics                 counters
     * @param listener                receives changes
     * @param suspicionMult           suspicion multiplier
     * @param suspicionMaxTimeoutMult suspicion max/min ratio
     * @param probeIntervalMillis     the configured probe interval
     */
    public MembershipState(String self, MemberTable table, BroadcastQueue broadcasts, Awareness awareness,
                           ProtocolClock clock, ProtocolMetrics metrics, MembershipListener listener,
                           int suspicionMult, int suspicionMaxTimeoutMult, long probeIntervalMillis) {
        this.self = self;
        this.table = table;
        this.broadcasts = broadcasts;
        this.awareness = awareness;
        this.clock = clock;
        this.metrics = metrics;
        this.listener = listener;
        this.suspicionMult = suspicionMult;
        this.suspicionMaxTimeoutMult = suspicionMaxTimeoutMult;
        this.probeIntervalMillis = probeIntervalMillis;
    }

    /** @return this node's own record (present once started) */
    public NodeRecord local() {
        return table.get(self);
    }

    /** @return whether {@link #leave(Runnable)} was called */
    public boolean hasLeft() {
        return left;
    }

    /**
     * Puts this node in the table as alive and gossips it.
     *
     * @param addr        advertised IP
     * @param port        advertised port
     * @param meta        encoded tags
     * @param incarnation starting incarnation
     */
    public void start(byte[] addr, int port, byte[] meta, long incarnation) {
        onAlive(new Message.Alive(incarnation, self, addr, port, meta, VSN.clone()), true);
    }

    /**
     * Applies an alive message.
     *
     * @param a         the message
     * @param bootstrap true only for our own first alive (no refutation)
     */
    public void onAlive(Message.Alive a, boolean bootstrap) {
        boolean aboutSelf = a.node().equals(self);
        if (left && aboutSelf) {
            return;
        }
        if (!versionsAcceptable(a.vsn())) {
            metrics.drop("version");
            return;
        }
        NodeRecord r = table.get(a.node());
        boolean readdress = false;
        boolean fresh = false;
        if (r == null) {
            // A newcomer starts as dead so that its first alive reads as a join.
            r = new NodeRecord(MemberIdentity.of(a.node(), a.addr(), a.port(), a.meta(), a.vsn()), 0, MemberState.DEAD,
                    clock.now());
            table.add(r);
            fresh = true;
        } else if (!r.sameAddress(a.addr(), a.port())) {
            if (r.state() == MemberState.LEFT) {
                readdress = true;
            } else {
                metrics.conflict();
                listener.onConflict(a.node(), r.socketAddress(), MemberIdentity.toSocketAddress(a.addr(), a.port()));
                return;
            }
        }
        if (!fresh && !aboutSelf && !readdress && a.incarnation() <= r.incarnation()) {
            return;
        }
        if (!fresh && aboutSelf && a.incarnation() < r.incarnation()) {
            return;
        }
        cancelSuspicion(a.node());
        MemberState oldState = r.state();
        byte[] oldMeta = r.meta();
        boolean moved = readdress;
        if (!bootstrap && aboutSelf) {
            if (a.incarnation() == r.incarnation() && Arrays.equals(a.meta(), r.meta()) && Arrays.equals(a.vsn(), VSN)) {
                return;
            }
            refute(r, a.incarnation());
            return;
        }
        byte[] vsn = a.vsn() != null && a.vsn().length > 0 ? a.vsn() : r.vsn();
        table.update(r, readdress ? MemberIdentity.of(a.node(), a.addr(), a.port(), a.meta(), vsn)
                : r.identity.withMetaAndVsn(a.meta(), vsn));
        if (r.state() != MemberState.ALIVE) {
            r.stateChange = clock.now();
        }
        r.update(MemberState.ALIVE, a.incarnation());
        broadcasts.enqueue(r.name(), encoded(r, a), null);
        listener.onChanged(r);
        if (oldState == MemberState.DEAD || oldState == MemberState.LEFT) {
            listener.onEvent(MembershipEvent.Type.JOINED, r);
        } else if (oldState == MemberState.SUSPECT) {
            listener.onEvent(MembershipEvent.Type.RECOVERED, r);
        } else if (moved || !Arrays.equals(oldMeta, r.meta())) {
            listener.onEvent(MembershipEvent.Type.UPDATED, r);
        }
    }

    private static boolean versionsAcceptable(byte[] vsn) {
        if (vsn == null || vsn.length < 3) {
            return true;
        }
        int pMin = vsn[0] & 0xFF;
        int pMax = vsn[1] & 0xFF;
        if (pMin == 0 || pMax == 0 || pMin > pMax) {
            return false;
        }
        if (vsn.length >= 6) {
            int pCur = vsn[2] & 0xFF;
            int dCur = vsn[5] & 0xFF;
            return pCur >= VSN[0] && pCur <= VSN[1] && dCur >= VSN[3] && dCur <= VSN[4];
        }
        return true;
    }

    /**
     * Applies a suspect message.
     *
     * @param s the message
     */
    public void onSuspect(Message.Suspect s) {
        NodeRecord r = table.get(s.node());
        if (r == null || s.incarnation() < r.incarnation()) {
            return;
        }
        PendingSuspicion pending = suspicions.get(s.node());
        if (pending != null) {
            if (pending.suspicion.confirm(s.from())) {
                broadcast(r.name(), s);
                pending.rearm();
            }
            return;
        }
        if (r.state() != MemberState.ALIVE) {
            return;
        }
        if (r.name().equals(self)) {
            refute(r, s.incarnation());
            return;
        }
        broadcast(r.name(), s);
        long changeTime = clock.now();
        r.stateChange = changeTime;
        r.update(MemberState.SUSPECT, s.incarnation());
        listener.onChanged(r);
        if (s.from().equals(self)) {
            metrics.suspicion();
        }
        int n = table.size();
        int k = suspicionMult - 2;
        if (n - 2 < k) {
            k = 0;
        }
        long min = Suspicion.minTimeoutMillis(suspicionMult, n, probeIntervalMillis);
        long max = suspicionMaxTimeoutMult * min;
        PendingSuspicion p = new PendingSuspicion(r.name(), changeTime, new Suspicion(s.from(), k, min, max, changeTime));
        suspicions.put(r.name(), p);
        p.rearm();
        listener.onEvent(MembershipEvent.Type.SUSPECTED, r);
    }

    /**
     * Applies a dead message ({@code from == node} means the node left).
     *
     * @param d the message
     */
    public void onDead(Message.Dead d) {
        applyDead(d, null);
    }

    private void applyDead(Message.Dead d, Runnable leaveSent) {
        NodeRecord r = table.get(d.node());
        if (r == null || d.incarnation() < r.incarnation()) {
            return;
        }
        cancelSuspicion(d.node());
        if (r.deadOrLeft()) {
            return;
        }
        if (r.name().equals(self)) {
            if (!left) {
                refute(r, d.incarnation());
                return;
            }
            broadcast(r.name(), d, leaveSent);
        } else {
            broadcast(r.name(), d);
        }
        r.stateChange = clock.now();
        r.update(d.node().equals(d.from()) ? MemberState.LEFT : MemberState.DEAD, d.incarnation());
        listener.onChanged(r);
        listener.onEvent(r.state() == MemberState.LEFT ? MembershipEvent.Type.LEFT : MembershipEvent.Type.FAILED, r);
    }

    /**
     * Merges a peer's full state (push/pull): alive as alive; left as left; dead or suspect only
     * as a suspicion of our own, so one peer's stale view cannot kill a live member at once.
     *
     * @param remote the peer's node states
     */
    public void merge(List<Message.PushNodeState> remote) {
        for (Message.PushNodeState s : remote) {
            switch (s.state()) {
                case 0 -> onAlive(new Message.Alive(s.incarnation(), s.name(), s.addr(), s.port(), s.meta(), s.vsn()), false);
                case 3 -> onDead(new Message.Dead(s.incarnation(), s.name(), s.name()));
                case 1, 2 -> onSuspect(new Message.Suspect(s.incarnation(), s.name(), self));
                default -> metrics.drop("malformed");
            }
        }
    }

    /** @return every known member in push/pull form */
    public List<Message.PushNodeState> localState() {
        List<Message.PushNodeState> out = new ArrayList<>(table.size());
        for (NodeRecord r : table.all()) {
            int state = switch (r.state()) {
                case ALIVE -> 0;
                case SUSPECT -> 1;
                case DEAD -> 2;
                case LEFT -> 3;
            };
            out.add(new Message.PushNodeState(r.name(), r.addr(), r.port(), r.meta(), r.incarnation(), state, r.vsn()));
        }
        return out;
    }

    /**
     * Gossips new meta for this node under a new incarnation.
     *
     * @param meta the encoded tags
     */
    public void updateLocalMeta(byte[] meta) {
        NodeRecord me = local();
        long inc = me.incarnation() + 1;
        onAlive(new Message.Alive(inc, self, me.addr(), me.port(), meta, VSN.clone()), true);
    }

    /**
     * Declares this node left and gossips it.
     *
     * @param whenSent run once the leave message has been fully gossiped (or replaced)
     */
    public void leave(Runnable whenSent) {
        if (left) {
            whenSent.run();
            return;
        }
        left = true;
        NodeRecord me = local();
        applyDead(new Message.Dead(me.incarnation(), self, self), whenSent);
    }

    /** @return whether any other member is alive */
    public boolean anyOtherAlive() {
        for (NodeRecord r : table.all()) {
            if (!r.name().equals(self) && r.state() == MemberState.ALIVE) {
                return true;
            }
        }
        return false;
    }

    private void refute(NodeRecord me, long accused) {
        long inc = me.incarnation() + 1;
        if (accused >= inc) {
            inc = accused + 1;
        }
        if (inc > 0xFFFF_FFFFL) {
            log.error("incarnation of {} overflowed 32 bits; cannot refute", self);
            return;
        }
        me.update(me.state(), inc);
        listener.onChanged(me);
        awareness.apply(1);
        metrics.refutation();
        broadcast(self, new Message.Alive(inc, self, me.addr(), me.port(), me.meta(), VSN.clone()));
    }

    /**
     * The alive message to gossip, encoded. When it says exactly what the member's shared identity
     * holds (the usual case), every node that relays it shares one encoding: in a large cluster's
     * join each node queues news of every other, and a copy each was most of the queued bytes.
     */
    private static byte[] encoded(NodeRecord r, Message.Alive a) {
        if (a.addr() != null && a.meta() != null && a.vsn() != null && a.port() == r.port()
                && a.node().equals(r.name()) && Arrays.equals(a.addr(), r.addr())
                && Arrays.equals(a.meta(), r.meta()) && Arrays.equals(a.vsn(), r.vsn())) {
            return r.identity.encodedAlive(a.incarnation());
        }
        return WireCodec.encode(a);
    }

    private void broadcast(String about, Message m) {
        broadcast(about, m, null);
    }

    private void broadcast(String about, Message m, Runnable finished) {
        broadcasts.enqueue(about, WireCodec.encode(m), finished);
    }

    private void cancelSuspicion(String name) {
        PendingSuspicion p = suspicions.remove(name);
        if (p != null) {
            p.cancel();
        }
    }

    /** Cancels every suspicion timer. */
    public void close() {
        suspicions.values().forEach(PendingSuspicion::cancel);
        suspicions.clear();
    }

    /** A suspicion and the timer that declares the member dead when it runs out. */
    private final class PendingSuspicion {
        final String name;
        final long changeTime;
        final Suspicion suspicion;
        Disposable timer;

        PendingSuspicion(String name, long changeTime, Suspicion suspicion) {
            this.name = name;
            this.changeTime = changeTime;
            this.suspicion = suspicion;
        }

        void rearm() {
            cancel();
            timer = clock.schedule(this::expire, suspicion.deadline() - clock.now());
        }

        void cancel() {
            if (timer != null) {
                timer.dispose();
            }
        }

        private void expire() {
            if (suspicions.get(name) != this) {
                return;
            }
            NodeRecord r = table.get(name);
            if (r != null && r.state() == MemberState.SUSPECT && r.stateChange == changeTime) {
                onDead(new Message.Dead(r.incarnation(), name, self));
            } else {
                suspicions.remove(name);
            }
        }
    }
}
