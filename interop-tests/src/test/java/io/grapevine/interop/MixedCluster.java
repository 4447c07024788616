package io.grapevine.interop;

import io.grapevine.membership.Keyring;
import io.grapevine.membership.Membership;
import io.grapevine.membership.MembershipConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Three serf agents and three Grapevine nodes on loopback, joined through every kind of seed:
 * {@code g1} (in this JVM) joins through serf agent {@code s1}; {@code s2} joins through
 * Grapevine node {@code g1}; {@code g2} (in this JVM) joins through {@code s2}; {@code s3}
 * joins through {@code s1}; {@code g3} (a separate process, so it can be SIGKILLed) joins
 * through {@code g2}. Every node carries the tags {@code kind} and {@code rack}.
 */
final class MixedCluster implements AutoCloseable {
    static final List<String> NAMES = List.of("g1", "g2", "g3", "s1", "s2", "s3");
    static final Duration CONVERGE = Duration.ofSeconds(40);
    static final Duration START = Duration.ofSeconds(30);
    private static final Duration SLOW_REPORT = Duration.ofSeconds(10);

    /**
     * @param test a test class
     * @return where its serf agent and node process logs go (under the build folder)
     */
    static Path logDir(Class<?> test) {
        return Path.of(System.getProperty("grapevine.interop.dir", "target/interop"), test.getSimpleName());
    }

    private final Path dir;
    private final String key;
    private final Map<String, SerfAgent> serf = new TreeMap<>();
    private final Map<String, Membership> inJvm = new TreeMap<>();
    private final Map<String, InboundTap> taps = new TreeMap<>();
    private final Map<String, GrapevineProcess> processes = new TreeMap<>();
    private final Map<String, Map<String, String>> tags = new TreeMap<>();

    private MixedCluster(Path dir, String key) {
        this.dir = dir;
        this.key = key;
    }

    /**
     * Starts the six nodes in seed order. On failure everything started so far is stopped.
     *
     * @param dir logs go here
     * @param key base64 key every node encrypts with, or null for a plaintext cluster
     * @return the cluster, not yet converged (see {@link #awaitAllAlive()})
     * @throws Exception when a node cannot start
     */
    static MixedCluster start(Path dir, String key) throws Exception {
        MixedCluster c = new MixedCluster(dir, key);
        try {
            c.startSerf("s1", List.of());
            c.startInJvm("g1", c.serf("s1").address());
            c.startSerf("s2", List.of(c.addressOf("g1")));
            c.startInJvm("g2", c.serf("s2").address());
            c.startSerf("s3", List.of(c.serf("s1").address()));
            c.startProcess("g3", c.addressOf("g2"));
            return c;
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
    }

    private void startSerf(String name, List<InetSocketAddress> join) throws Exception {
        Map<String, String> t = tagsFor(name, "serf");
        SerfAgent.Spec spec = SerfAgent.Spec.of(name, t).joining(join.toArray(InetSocketAddress[]::new));
        serf.put(name, SerfAgent.start(key == null ? spec : spec.encrypted(key), dir));
    }

    private void startInJvm(String name, InetSocketAddress seed) {
        InboundTap tap = new InboundTap();
        MembershipConfig.Builder config = MembershipConfig.builder()
                .nodeName(name)
                .bind(Ports.loopback(0))
                .seeds(List.of(seed))
                .tags(tagsFor(name, "grapevine"))
                .transport(tap);
        if (key != null) {
            config.keyring(Keyring.fromBase64(key));
        }
        inJvm.put(name, Membership.start(config.build()).block(START));
        taps.put(name, tap);
    }

    private void startProcess(String name, InetSocketAddress seed) throws Exception {
        GrapevineProcess.Spec spec = new GrapevineProcess.Spec(name, Ports.free(), List.of(seed),
                tagsFor(name, "grapevine"), key);
        processes.put(name, GrapevineProcess.start(spec, dir));
    }

    private Map<String, String> tagsFor(String name, String kind) {
        Map<String, String> t = new TreeMap<>(Map.of("kind", kind, "rack", "r" + name.charAt(1)));
        tags.put(name, t);
        return t;
    }

    /** @return the serf agent of that name */
    SerfAgent serf(String name) {
        return serf.get(name);
    }

    /** @return the in-JVM Grapevine node of that name */
    Membership grapevine(String name) {
        return inJvm.get(name);
    }

    /** @return the inbound tap of the in-JVM Grapevine node of that name */
    InboundTap tap(String name) {
        return taps.get(name);
    }

    /** @return the Grapevine node process of that name */
    GrapevineProcess process(String name) {
        return processes.get(name);
    }

    /** @return the gossip address of any member */
    InetSocketAddress addressOf(String name) {
        if (serf.containsKey(name)) {
            return serf.get(name).address();
        }
        if (processes.containsKey(name)) {
            return processes.get(name).address();
        }
        return inJvm.get(name).local().address();
    }

    /** @return the serf agents still in the cluster */
    List<SerfAgent> serfAgents() {
        return List.copyOf(serf.values());
    }

    /** @return the serf agents still running, as observers */
    List<ClusterObserver> serfObservers() {
        return List.copyOf(serf.values());
    }

    /** @return every member still running, as an observer of the others */
    List<ClusterObserver> observers() {
        List<ClusterObserver> all = new ArrayList<>(serf.values());
        inJvm.values().forEach(n -> all.add(ClusterObserver.of(n)));
        all.addAll(processes.values());
        return all;
    }

    /** @return the Grapevine members still running (in-JVM and processes), as observers */
    List<ClusterObserver> grapevineObservers() {
        List<ClusterObserver> all = new ArrayList<>();
        inJvm.values().forEach(n -> all.add(ClusterObserver.of(n)));
        all.addAll(processes.values());
        return all;
    }

    /** @return the tags every member was started with (or last given) */
    Map<String, Map<String, String>> expectedTags() {
        return tags;
    }

    /**
     * @param name a member
     * @param t    the tags it now has
     */
    void tagsChanged(String name, Map<String, String> t) {
        tags.put(name, new TreeMap<>(t));
    }

    /**
     * Waits until every running member reports the six names alive.
     *
     * @return how long it took
     */
    Duration awaitAllAlive() {
        return awaitEveryone("all six members alive in every member's view", CONVERGE, view -> NAMES.stream()
                .allMatch(n -> view.get(n) == MemberStatus.ALIVE));
    }

    /**
     * Waits until every observer's view satisfies a condition.
     *
     * @param what      what is awaited, for the failure message
     * @param timeout   the deadline
     * @param observers whose views count
     * @param condition the condition on one view
     * @return how long it took
     */
    static Duration awaitViews(String what, Duration timeout, List<ClusterObserver> observers,
                               Predicate<Map<String, MemberStatus>> condition) {
        long t0 = System.nanoTime();
        long[] nextReport = {t0 + SLOW_REPORT.toNanos()};
        Await.until(what, timeout, () -> {
            Map<String, Map<String, MemberStatus>> views = new LinkedHashMap<>();
            for (ClusterObserver o : observers) {
                views.put(o.name(), o.view());
            }
            long now = System.nanoTime();
            if (now - nextReport[0] > 0) {
                // A slow wait is a finding even when it passes: leave a trace in the test output.
                System.out.printf("still awaiting %s after %d ms: %s%n", what, (now - t0) / 1_000_000, views);
                nextReport[0] = now + SLOW_REPORT.toNanos();
            }
            return views;
        }, views -> views.values().stream().allMatch(condition));
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** {@link #awaitViews} over every running member. */
    Duration awaitEveryone(String what, Duration timeout, Predicate<Map<String, MemberStatus>> condition) {
        return awaitViews(what, timeout, observers(), condition);
    }

    /** Kills the serf agent with SIGKILL and stops observing it; restart it with {@link #restartSerf}. */
    SerfAgent killSerf(String name) {
        SerfAgent a = serf.remove(name);
        a.kill();
        return a;
    }

    /** Kills the Grapevine process with SIGKILL and stops observing it; restart it with {@link #restartProcess}. */
    GrapevineProcess killProcess(String name) {
        GrapevineProcess p = processes.remove(name);
        p.kill();
        return p;
    }

    /** Restarts a killed Grapevine process under the same name, port, seeds and start-up tags. */
    void restartProcess(GrapevineProcess killed) throws Exception {
        processes.put(killed.name(), killed.restart());
        tags.put(killed.name(), killed.spec().tags());
    }

    /** Restarts a killed serf agent under the same name, port and options. */
    void restartSerf(SerfAgent killed) throws Exception {
        serf.put(killed.name(), killed.restart());
    }

    /** Has the serf agent leave gracefully ({@code serf leave}) and stops observing it. */
    void serfLeave(String name) throws Exception {
        serf.remove(name).leave();
    }

    /** Has the in-JVM Grapevine node leave gracefully, then shuts it down and stops observing it. */
    void grapevineLeave(String name) {
        Membership node = inJvm.remove(name);
        node.leave().block(START);
        node.shutdown().block(START);
    }

    /** @return the names of the members still running */
    Set<String> running() {
        Set<String> names = new TreeSet<>(serf.keySet());
        names.addAll(inJvm.keySet());
        names.addAll(processes.keySet());
        return names;
    }

    @Override
    public void close() {
        processes.values().forEach(GrapevineProcess::kill);
        serf.values().forEach(SerfAgent::kill);
        for (Membership m : inJvm.values()) {
            try {
                m.shutdown().block(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                // best effort: the remaining nodes still get shut down
            }
        }
        processes.clear();
        serf.clear();
        inJvm.clear();
    }
}
