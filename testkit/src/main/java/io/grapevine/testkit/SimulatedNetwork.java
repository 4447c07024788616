package io.grapevine.testkit;

import io.grapevine.testkit.internal.Fabric;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The faults of a {@link SimulatedCluster}'s network, changeable at any virtual time. Every
 * random decision (loss, latency) comes from the cluster's seed. Faults apply to messages sent
 * after the change; messages already on the wire arrive.
 */
public final class SimulatedNetwork {
    private final Fabric fabric;
    private final Function<String, InetSocketAddress> addressOf;

    SimulatedNetwork(Fabric fabric, Function<String, InetSocketAddress> addressOf) {
        this.fabric = fabric;
        this.addressOf = addressOf;
    }

    /**
     * @param probability chance that a datagram is lost, 0 to 1 (streams are reliable, like TCP)
     * @return this network
     */
    public SimulatedNetwork loss(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("loss must be between 0 and 1, was " + probability);
        }
        fabric.loss(probability);
        return this;
    }

    /** @return the datagram loss probability */
    public double loss() {
        return fabric.loss();
    }

    /**
     * @param latency the one-way delay distribution of every message from now on
     * @return this network
     */
    public SimulatedNetwork latency(Latency latency) {
        fabric.latency(Objects.requireNonNull(latency, "latency"));
        return this;
    }

    /**
     * Splits the cluster: nodes in different groups cannot reach each other, in either direction,
     * by datagram or stream. Nodes in no group still reach everyone. Replaces any earlier partition.
     *
     * @param groups node names, one collection per side
     * @return this network
     */
    @SafeVarargs
    public final SimulatedNetwork partition(Collection<String>... groups) {
        Map<InetSocketAddress, Integer> sides = new HashMap<>();
        for (int i = 0; i < groups.length; i++) {
            for (String name : groups[i]) {
                if (sides.put(addressOf.apply(name), i) != null) {
                    throw new IllegalArgumentException(name + " is in more than one group");
                }
            }
        }
        fabric.partition(sides);
        return this;
    }

    /**
     * Cuts one direction of one link: nothing from {@code from} reaches {@code to}, while
     * {@code to} still reaches {@code from} and everyone else reaches both.
     *
     * @param from sending node
     * @param to   receiving node
     * @return this network
     */
    public SimulatedNetwork cut(String from, String to) {
        fabric.cut(addressOf.apply(from), addressOf.apply(to), true);
        return this;
    }

    /**
     * Undoes {@link #cut(String, String)}.
     *
     * @param from sending node
     * @param to   receiving node
     * @return this network
     */
    public SimulatedNetwork restore(String from, String to) {
        fabric.cut(addressOf.apply(from), addressOf.apply(to), false);
        return this;
    }

    /**
     * Removes every partition and cut (loss and latency stay).
     *
     * @return this network
     */
    public SimulatedNetwork heal() {
        fabric.heal();
        return this;
    }

    /**
     * @param from sending node
     * @param to   receiving node
     * @return whether messages from one reach the other (loss aside)
     */
    public boolean reachable(String from, String to) {
        return fabric.reachable(addressOf.apply(from), addressOf.apply(to));
    }

    /**
     * Delivers raw bytes to a node at once, as a datagram from {@code from}, bypassing loss,
     * latency and faults: for tests that feed a node hand-made or hostile input.
     *
     * @param from     the claimed source address
     * @param to       the receiving node
     * @param datagram the bytes, outermost layer first
     */
    public void inject(InetSocketAddress from, String to, byte[] datagram) {
        fabric.inject(Objects.requireNonNull(from, "from"), addressOf.apply(to), datagram.clone());
    }
}
