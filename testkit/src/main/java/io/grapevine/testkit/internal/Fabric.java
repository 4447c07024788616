package io.grapevine.testkit.internal;

import io.grapevine.membership.Transport;
import io.grapevine.testkit.Latency;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The simulated wire: who is bound where, which links are cut, and the delivery of datagrams and
 * stream exchanges after a latency drawn from the seeded randomness. Loss, partitions and one-way
 * cuts are decided when a message is sent. Streams are reliable (TCP) but respect partitions and
 * cuts in each direction; a dead or unreachable peer makes the exchange time out, an address
 * nobody ever bound refuses the connection. Single-threaded.
 */
public final class Fabric {
    private static final byte[] NO_REPLY = new byte[0];
    private final EventQueue wire;
    private final RandomGenerator random;
    private final Map<InetSocketAddress, Endpoint> endpoints = new HashMap<>();
    private final Map<InetSocketAddress, TrafficCounter> counters = new HashMap<>();
    private final Map<InetSocketAddress, Integer> sides = new HashMap<>();
    private final Set<Link> cuts = new HashSet<>();
    private Latency latency;
    private double loss;

    private record Link(InetSocketAddress from, InetSocketAddress to) {
    }

    /**
     * @param wire    the cluster's timer queue, which carries messages until they arrive
     * @param random  the network's seeded randomness
     * @param latency the initial delay distribution
     */
    public Fabric(EventQueue wire, RandomGenerator random, Latency latency) {
        this.wire = wire;
        this.random = random;
        this.latency = latency;
    }

    /** @param latency the delay distribution from now on */
    public void latency(Latency latency) {
        this.latency = latency;
    }

    /** @param p the probability that a datagram is lost, 0 to 1 */
    public void loss(double p) {
        this.loss = p;
    }

    /** @return the current datagram loss probability */
    public double loss() {
        return loss;
    }

    /**
     * Splits the network: members of different sides cannot reach each other; addresses on no
     * side reach everyone.
     *
     * @param sideOf each address's side
     */
    public void partition(Map<InetSocketAddress, Integer> sideOf) {
        sides.clear();
        sides.putAll(sideOf);
    }

    /** Removes every partition and one-way cut. */
    public void heal() {
        sides.clear();
        cuts.clear();
    }

    /**
     * @param from sender
     * @param to   receiver
     * @param cut  true to drop everything from {@code from} to {@code to}, false to restore it
     */
    public void cut(InetSocketAddress from, InetSocketAddress to, boolean cut) {
        if (cut) {
            cuts.add(new Link(from, to));
        } else {
            cuts.remove(new Link(from, to));
        }
    }

    /**
     * @param from sender
     * @param to   receiver
     * @return whether the link from one to the other is up (one direction)
     */
    public boolean reachable(InetSocketAddress from, InetSocketAddress to) {
        Integer a = sides.get(from);
        Integer b = sides.get(to);
        if (a != null && b != null && !a.equals(b)) {
            return false;
        }
        return cuts.isEmpty() || !cuts.contains(new Link(from, to));
    }

    /**
     * @param address an address
     * @return its traffic so far (all generations of the node bound there)
     */
    public TrafficCounter counter(InetSocketAddress address) {
        return counters.computeIfAbsent(address, a -> new TrafficCounter());
    }

    /**
     * Binds a node.
     *
     * @param address   where
     * @param inbound   what receives
     * @param scheduler the node's scheduler (pauses and kills its deliveries)
     * @return the transport
     */
    public Transport bind(InetSocketAddress address, Transport.Inbound inbound, NodeScheduler scheduler) {
        Endpoint old = endpoints.get(address);
        if (old != null && !old.closed) {
            throw new IllegalStateException(address + " is already bound");
        }
        Endpoint e = new Endpoint(address, inbound, scheduler, counter(address));
        endpoints.put(address, e);
        return e;
    }

    /**
     * Delivers a datagram as if it came from {@code from}, with no latency, loss or faults.
     *
     * @param from   claimed source
     * @param to     destination
     * @param packet the bytes
     */
    public void inject(InetSocketAddress from, InetSocketAddress to, byte[] packet) {
        deliverPacket(from, to, packet, null);
    }

    /**
     * Takes a node off the network without a word: it neither sends nor receives any more.
     *
     * @param address the node's address
     */
    public void down(InetSocketAddress address) {
        Endpoint e = endpoints.get(address);
        if (e != null) {
            e.closed = true;
        }
    }

    private long delay() {
        return latency.sampleNanos(random);
    }

    private void deliverPacket(InetSocketAddress from, InetSocketAddress to, byte[] packet, TrafficCounter source) {
        Endpoint dst = endpoints.get(to);
        if (dst == null || dst.closed || !dst.scheduler.deliver(() -> {
            dst.counter.received(packet.length);
            dst.inbound.onPacket(from, packet);
        })) {
            if (source != null) {
                source.dropped++;
            }
        }
    }

    /** One bound address of one node generation. */
    private final class Endpoint implements Transport {
        final InetSocketAddress address;
        final Transport.Inbound inbound;
        final NodeScheduler scheduler;
        final TrafficCounter counter;
        boolean closed;

        Endpoint(InetSocketAddress address, Transport.Inbound inbound, NodeScheduler scheduler, TrafficCounter counter) {
            this.address = address;
            this.inbound = inbound;
            this.scheduler = scheduler;
            this.counter = counter;
        }

        @Override
        public InetSocketAddress boundAddress() {
            return address;
        }

        @Override
        public void sendPacket(InetSocketAddress to, byte[] packet) {
            if (closed || scheduler.isDisposed()) {
                return;
            }
            counter.sent(packet.length, false);
            if (!reachable(address, to) || (loss > 0 && random.nextDouble() < loss)) {
                counter.dropped++;
                return;
            }
            wire.schedule(() -> deliverPacket(address, to, packet, counter), delay());
        }

        @Override
        public Mono<byte[]> sendStream(InetSocketAddress to, byte[] message, boolean expectReply, Duration timeout) {
            return Mono.create(sink -> {
                if (closed || scheduler.isDisposed()) {
                    sink.error(new IllegalStateException("transport closed"));
                    return;
                }
                counter.sent(message.length, true);
                Exchange x = new Exchange(sink, to, timeout);
                sink.onDispose(x);
                if (reachable(address, to)) {
                    wire.schedule(() -> x.arrive(message, expectReply), delay());
                }
            });
        }

        @Override
        public Mono<Void> close() {
            closed = true;
            return Mono.empty();
        }

        /** One stream exchange, from the initiator's side. */
        private final class Exchange implements Disposable {
            final MonoSink<byte[]> sink;
            final InetSocketAddress to;
            final Disposable timer;
            boolean done;

            Exchange(MonoSink<byte[]> sink, InetSocketAddress to, Duration timeout) {
                this.sink = sink;
                this.to = to;
                this.timer = scheduler.schedule(() -> fail(new TimeoutException(
                        "stream exchange with " + to + " not done within " + timeout)), timeout.toNanos(), TimeUnit.NANOSECONDS);
            }

            /** The request reached the peer's address. */
            void arrive(byte[] message, boolean expectReply) {
                if (done) {
                    return;
                }
                Endpoint dst = endpoints.get(to);
                if (dst == null) {
                    back(() -> fail(new ConnectException("connection refused: " + to)));
                    return;
                }
                if (dst.closed) {
                    return; // a dead host: the exchange times out
                }
                dst.scheduler.deliver(() -> {
                    dst.counter.received(message.length);
                    Mono<byte[]> reply = dst.inbound.onStream(address, message);
                    if (!expectReply) {
                        reply.subscribe(r -> { }, e -> { });
                        back(() -> succeed(null));
                        return;
                    }
                    reply.defaultIfEmpty(NO_REPLY).subscribe(r -> respond(dst, r == NO_REPLY ? null : r),
                            e -> respond(dst, null));
                });
            }

            private void respond(Endpoint responder, byte[] r) {
                if (r != null) {
                    responder.counter.sent(r.length, true);
                }
                if (!reachable(to, address)) {
                    return;
                }
                wire.schedule(() -> {
                    if (!closed && scheduler.deliver(() -> {
                        if (r == null) {
                            fail(new EOFException("stream closed by " + to + " without a reply"));
                        } else {
                            counter.received(r.length);
                            succeed(r);
                        }
                    })) {
                        return;
                    }
                    done = true;
                }, delay());
            }

            /** Runs on the initiator's side after one latency, respecting its pause. */
            private void back(Runnable r) {
                wire.schedule(() -> scheduler.deliver(r), delay());
            }

            void succeed(byte[] reply) {
                if (done) {
                    return;
                }
                done = true;
                timer.dispose();
                if (reply == null) {
                    sink.success();
                } else {
                    sink.success(reply);
                }
            }

            void fail(Throwable e) {
                if (done) {
                    return;
                }
                done = true;
                timer.dispose();
                sink.error(e);
            }

            @Override
            public void dispose() {
                done = true;
                timer.dispose();
            }
        }
    }
}
