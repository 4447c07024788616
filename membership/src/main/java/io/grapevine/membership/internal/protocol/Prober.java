package io.grapevine.membership.internal.protocol;

import io.grapevine.membership.MemberState;
import io.grapevine.membership.internal.codec.Message;
import io.grapevine.membership.internal.codec.WireCodec;
import java.net.InetSocketAddress;
import io.grapevine.membership.internal.RateLimitedLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * SWIM's failure detector with Lifeguard's refinements: each tick probes the next member
 * directly; without an ack within the probe timeout it asks a few others to probe it (and tries
 * TCP), waits out the awareness-scaled interval, and only then suspects it. Nacks tell this
 * node whether the fault is its own. Runs only on the protocol worker.
 */
public final class Prober {
    private static final Logger log = LoggerFactory.getLogger(Prober.class);

    /** A TCP ping: sends one encoded ping, completes true when the matching ack came back. */
    @FunctionalInterface
    public interface StreamPing {
        /**
         * @param to       the target
         * @param ping     the ping
         * @param timeoutMillis deadline
         * @return whether the target answered with an ack for this ping
         */
        Mono<Boolean> ping(InetSocketAddress to, Message.Ping ping, long timeoutMillis);
    }

    private final String self;
    private final Endpoint local;
    private final MemberTable table;
    private final MembershipState state;
    private final AckTracker acks;
    private final PacketSender sender;
    private final Awareness awareness;
    private final ProtocolClock clock;
    private final ProtocolMetrics metrics;
    private final StreamPing streamPing;
    private final Consumer<List<NodeRecord>> onReaped;
    private final long probeIntervalMillis;
    private final long probeTimeoutMillis;
    private final int indirectChecks;
    private final long reapAfterMillis;
    private final boolean suspectOnRefused;
    private final RateLimitedLog warnings;
    private Attempt current;
    private boolean tickMissed;

    /** The address this node advertises, put in pings so replies come back to it. */
    public record Endpoint(byte[] addr, int port) {
    }

    /**
     * @param self               this node's name
     * @param local              this node's advertised address
     * @param table              members
     * @param state              state rules (to suspect)
     * @param acks               ack handlers
     * @param sender             datagram sender
     * @param awareness          local health
     * @param clock              time
     * @param metrics            counters
     * @param streamPing         TCP fallback ping
     * @param onReaped           receives members reaped from the table
     * @param probeIntervalMillis probe interval
     * @param probeTimeoutMillis  probe timeout
     * @param indirectChecks      indirect probes per failed direct probe
     * @param reapAfterMillis     how long dead members are kept
     * @param suspectOnRefused    whether a refused TCP fallback ping ends the probe as failed at once
     */
    public Prober(String self, Endpoint local, MemberTable table, MembershipState state, AckTracker acks,
                  PacketSender sender, Awareness awareness, ProtocolClock clock, ProtocolMetrics metrics,
                  StreamPing streamPing, Consumer<List<NodeRecord>> onReaped, long probeIntervalMillis,
                  long probeTimeoutMillis, int indirectChecks, long reapAfterMillis,
                  boolean suspectOnRefused) {
        this.self = self;
        this.local = local;
        this.table = table;
        this.state = state;
        this.acks = acks;
        this.sender = sender;
        this.awareness = awareness;
        this.clock = clock;
        this.metrics = metrics;
        this.streamPing = streamPing;
        this.onReaped = onReaped;
        this.probeIntervalMillis = probeIntervalMillis;
        this.probeTimeoutMillis = probeTimeoutMillis;
        this.indirectChecks = indirectChecks;
        this.reapAfterMillis = reapAfterMillis;
        this.suspectOnRefused = suspectOnRefused;
        this.warnings = new RateLimitedLog(log, Duration.ofMinutes(1), () -> clock.now() * 1_000_000L);
    }

    /** One probe-interval tick: start a probe unless one is still running. */
    public void tick() {
        if (current != null) {
            // Like memberlist's ticker channel, remember one missed tick and run it when the
            // probe in flight ends, so a failed probe does not cost a whole extra interval.
            tickMissed = true;
            return;
        }
        List<NodeRecord> reaped = new ArrayList<>();
        NodeRecord target = table.nextProbeTarget(self, clock.now(), reapAfterMillis, reaped);
        if (!reaped.isEmpty()) {
            onReaped.accept(reaped);
        }
        if (target != null) {
            current = new Attempt(target);
            current.start();
        }
    }

    /** Stops the probe in flight. */
    public void stop() {
        if (current != null) {
            current.finish();
        }
    }

    /** One probe of one member. */
    private final class Attempt {
        final NodeRecord target;
        final InetSocketAddress address;
        final long incarnation;
        final long seq;
        final long deadline;
        int expectedNacks;
        int nacks;
        boolean acked;
        boolean tcpContacted;
        boolean done;
        Disposable indirectTimer;
        Disposable deadlineTimer;
        Disposable tcp;

        Attempt(NodeRecord target) {
            this.target = target;
            this.address = target.socketAddress();
            this.incarnation = target.incarnation();
            this.seq = acks.nextSeq();
            this.deadline = clock.now() + awareness.scale(Duration.ofMillis(probeIntervalMillis)).toMillis();
        }

        void start() {
            Message.Ping ping = ping(seq, target.name());
            acks.expect(seq, this::onAck, () -> nacks++, deadline - clock.now(), null);
            if (target.state() == MemberState.ALIVE) {
                sender.send(address, ping);
            } else {
                // A suspect gets the accusation with the ping, so it can refute at once.
                sender.sendAll(address, List.of(WireCodec.encode(ping),
                        WireCodec.encode(new Message.Suspect(incarnation, target.name(), self))));
            }
            indirectTimer = clock.schedule(this::indirect, probeTimeoutMillis);
            deadlineTimer = clock.schedule(this::expire, deadline - clock.now());
        }

        void onAck() {
            acked = true;
            if (!done) {
                awareness.apply(-1);
                metrics.probeOk();
                finish();
            }
        }

        void indirect() {
            if (done) {
                return;
            }
            List<NodeRecord> peers = table.randomMembers(indirectChecks,
                    r -> r.name().equals(self) || r.name().equals(target.name()) || r.state() != MemberState.ALIVE);
            for (NodeRecord peer : peers) {
                boolean wantNack = peer.protocolMax() >= 4;
                if (wantNack) {
                    expectedNacks++;
                }
                sender.send(peer.socketAddress(), new Message.IndirectPing(seq, target.addr(), target.port(),
                        target.name(), wantNack, local.addr(), local.port(), self));
            }
            if (target.protocolMax() >= 3) {
                long remaining = deadline - clock.now();
                tcp = streamPing.ping(address, ping(seq, target.name()), remaining)
                        .subscribe(ok -> clock.execute(() -> tcpContacted |= ok),
                                e -> clock.execute(() -> tcpFailed(e)));
            }
        }

        /**
         * A refused connection is the target's own host answering that nothing listens on the
         * member's port: its process is gone. Waiting out the rest of the interval for indirect
         * acks cannot change that, so the suspicion starts now; the suspicion timeout that
         * follows still gives a live member every chance to refute. Our own health score is left
         * alone: the refusal proves this node's network works, and says nothing of its speed.
         */
        void tcpFailed(Throwable e) {
            if (done || !suspectOnRefused || !ConnectionRefusal.is(e)) {
                log.debug("TCP fallback ping to {} failed: {}", target.name(), e.toString());
                return;
            }
            log.debug("TCP fallback ping to {} refused: suspecting it without waiting out the interval", target.name());
            metrics.probeRefused();
            finish();
            if (!state.hasLeft()) {
                state.onSuspect(new Message.Suspect(incarnation, target.name(), self));
            }
        }

        void expire() {
            if (done) {
                return;
            }
            if (tcpContacted) {
                warnings.warn("tcp-only:" + target.name(),
                        "{} answered a TCP ping but no UDP probe: the network may drop UDP", target.name());
                awareness.apply(-1);
                metrics.probeOk();
                finish();
                return;
            }
            awareness.apply(expectedNacks > 0 ? Math.max(0, expectedNacks - nacks) : 1);
            metrics.probeFailed();
            finish();
            if (!state.hasLeft()) {
                state.onSuspect(new Message.Suspect(incarnation, target.name(), self));
            }
        }

        void finish() {
            done = true;
            acks.forget(seq);
            if (indirectTimer != null) {
                indirectTimer.dispose();
            }
            if (deadlineTimer != null) {
                deadlineTimer.dispose();
            }
            if (tcp != null) {
                tcp.dispose();
            }
            if (current == this) {
                current = null;
                if (tickMissed) {
                    tickMissed = false;
                    clock.execute(Prober.this::tick);
                }
            }
        }
    }

    private Message.Ping ping(long seqNo, String node) {
        return new Message.Ping(seqNo, node, local.addr(), local.port(), self);
    }
}
