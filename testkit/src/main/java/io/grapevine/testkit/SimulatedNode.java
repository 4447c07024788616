package io.grapevine.testkit;

import io.grapevine.membership.Membership;
import io.grapevine.membership.MembershipStats;
import io.grapevine.membership.MembershipView;
import io.grapevine.testkit.internal.NodeScheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * One node of a {@link SimulatedCluster}: a real {@link Membership} on the simulated network,
 * with the faults that happen to processes (crash, pause, restart). The node keeps its name and
 * address across restarts; each restart is a new generation with a fresh {@link Membership}.
 */
public final class SimulatedNode {
    /** What the process is doing. */
    public enum Status {
        /** Bound and joining; {@link #membership()} is not available yet. */
        STARTING,
        /** Running. */
        RUNNING,
        /** Frozen, as in a stop-the-world pause: holds its timers and incoming messages. */
        PAUSED,
        /** Gone without a word: neither sends nor receives. */
        CRASHED,
        /** Left the cluster gracefully and shut down. */
        LEFT
    }

    private final SimulatedCluster cluster;
    private final String name;
    private final int index;
    private final InetSocketAddress address;
    private final List<ObservedEvent> events = new ArrayList<>();
    private Status status = Status.STARTING;
    private int generation;
    private NodeScheduler scheduler;
    private Membership membership;
    private Disposable eventSubscription;
    private Disposable resume;
    private int liveCount;

    SimulatedNode(SimulatedCluster cluster, String name, int index, InetSocketAddress address) {
        this.cluster = cluster;
        this.name = name;
        this.index = index;
        this.address = address;
    }

    /** @return the node's name, unique in the cluster */
    public String name() {
        return name;
    }

    /** @return the node's position in the cluster, in order of creation */
    public int index() {
        return index;
    }

    /** @return the node's address on the simulated network, the same across restarts */
    public InetSocketAddress address() {
        return address;
    }

    /** @return what the process is doing */
    public Status status() {
        return status;
    }

    /** @return whether the node is started and neither paused, crashed nor gone */
    public boolean isRunning() {
        return status == Status.RUNNING;
    }

    /** @return how many times the node was restarted */
    public int generation() {
        return generation;
    }

    /**
     * @return the current generation's membership
     * @throws IllegalStateException while the node has not finished starting
     */
    public Membership membership() {
        if (membership == null) {
            throw new IllegalStateException(name + " has not joined yet: advance the cluster's time");
        }
        return membership;
    }

    /** @return whether {@link #membership()} is available */
    public boolean hasStarted() {
        return membership != null;
    }

    /** @return the node's current view of the cluster */
    public MembershipView view() {
        return membership().view();
    }

    /**
     * How many members this node holds alive or suspect, self included: its first view's count
     * kept up to date from its events, so it costs nothing to ask, even in a 10,000-node cluster.
     *
     * @return the count, 0 before the node has joined
     */
    public int liveCount() {
        return liveCount;
    }

    /** @return the events this node emitted so far, all generations, oldest first (when recording) */
    public List<ObservedEvent> events() {
        return List.copyOf(events);
    }

    /** @return what the node sent and received on the network, all generations */
    public Traffic traffic() {
        return cluster.fabric().counter(address).snapshot();
    }

    /** @return the current generation's protocol counters */
    public MembershipStats stats() {
        return membership().stats();
    }

    /**
     * Crashes the process: it stops sending and receiving at once and says nothing; its timers
     * never fire again. Others must detect it. A no-op on a node already down.
     */
    public void crash() {
        if (status == Status.CRASHED || status == Status.LEFT) {
            return;
        }
        status = Status.CRASHED;
        stopGeneration();
    }

    /**
     * Freezes the process for a while, as a long garbage-collection pause or a suspended VM
     * would: timers that come due and messages that arrive are held, then handled in order when
     * the pause ends. Others see a silent node meanwhile.
     *
     * @param duration how long, in virtual time
     */
    public void pause(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (status != Status.RUNNING && status != Status.STARTING) {
            throw new IllegalStateException(name + " is " + status + " and cannot be paused");
        }
        Status before = status;
        NodeScheduler s = scheduler;
        s.pause();
        status = Status.PAUSED;
        resume = cluster.control(() -> {
            if (scheduler == s && status == Status.PAUSED) {
                status = membership != null || before == Status.RUNNING ? Status.RUNNING : Status.STARTING;
                s.resume();
            }
        }, duration);
    }

    /**
     * Restarts the process as a fresh node with the same name and address (incarnation starts
     * over; the protocol refutes what the cluster still believes about the old one). A running
     * node is crashed first.
     */
    public void restart() {
        if (status != Status.CRASHED && status != Status.LEFT) {
            crash();
        }
        generation++;
        cluster.start(this);
    }

    /**
     * Leaves gracefully, then shuts the node down; completes in virtual time, so advance the
     * cluster to let it finish.
     *
     * @return completes once the node has left and stopped
     */
    public Mono<Void> leave() {
        Membership m = membership();
        return m.leave().then(Mono.defer(m::shutdown)).doOnSuccess(v -> {
            status = Status.LEFT;
            stopGeneration();
        });
    }

    private void stopGeneration() {
        if (resume != null) {
            resume.dispose();
        }
        if (eventSubscription != null) {
            eventSubscription.dispose();
        }
        scheduler.kill();
        cluster.fabric().down(address);
    }

    /** A new generation is binding. */
    void begin(NodeScheduler s) {
        scheduler = s;
        membership = null;
        status = Status.STARTING;
    }

    /** The generation on {@code s} has joined. */
    void started(NodeScheduler s, Membership m) {
        if (scheduler != s || status == Status.CRASHED || status == Status.LEFT) {
            return;
        }
        membership = m;
        if (status == Status.STARTING) {
            status = Status.RUNNING;
        }
        liveCount = m.view().live().size();
        eventSubscription = m.events().subscribe(e -> {
            switch (e.type()) {
                case JOINED -> liveCount++;
                case FAILED, LEFT -> liveCount--;
                default -> { }
            }
            ObservedEvent o = new ObservedEvent(name, e);
            if (cluster.recordsEvents()) {
                events.add(o);
            }
            cluster.observed(o);
        });
    }
}
