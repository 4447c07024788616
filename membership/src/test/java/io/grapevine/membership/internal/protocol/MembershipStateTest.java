package io.grapevine.membership.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.membership.MemberState;
import io.grapevine.membership.MembershipEvent;
import io.grapevine.membership.internal.codec.Message;
import io.grapevine.membership.internal.codec.WireCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The alive/suspect/dead rules, in virtual time. */
class MembershipStateTest {
    private static final byte[] IP = {127, 0, 0, 1};
    private static final byte[] META = {(byte) 0xff, (byte) 0x80};

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final ProtocolClock clock = new ProtocolClock(time);
    private final MemberTable table = new MemberTable(new Random(1));
    private final BroadcastQueue queue = new BroadcastQueue(4, table::size, 1000);
    private final Awareness awareness = new Awareness(8);
    private final ProtocolMetrics metrics = new ProtocolMetrics(new SimpleMeterRegistry(), "me");
    private final List<String> events = new ArrayList<>();
    private final List<String> conflicts = new ArrayList<>();
    private final MembershipState state = new MembershipState("me", table, queue, awareness, clock, metrics,
            new MembershipListener() {
                @Override
                public void onEvent(MembershipEvent.Type type, NodeRecord record) {
                    events.add(type + " " + record.name());
                }

                @Override
                public void onChanged(NodeRecord record) {
                }

                @Override
                public void onConflict(String name, InetSocketAddress existing, InetSocketAddress claimed) {
                    conflicts.add(name);
                }
            }, 4, 6, 1000);

    @AfterEach
    void tearDown() {
        time.dispose();
    }

    private static Message.Alive alive(String node, long inc, int port) {
        return new Message.Alive(inc, node, IP, port, META, MembershipState.VSN.clone());
    }

    private List<Message> drain() {
        List<Message> out = new ArrayList<>();
        for (byte[] b : queue.take(2, 100_000)) {
            try {
                out.add(WireCodec.decode(b, false));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    @Test
    void newTagsAreGossipedWithANewIncarnationAndTheirBytesExactly() {
        state.start(IP, 7000, META, 1);
        drain();
        byte[] tags = {(byte) 0xff, (byte) 0x81, (byte) 0xa1, 'k', (byte) 0xa1, 'v'};
        state.updateLocalMeta(tags);
        List<Message> sent = drain();
        assertThat(sent).singleElement().isInstanceOfSatisfying(Message.Alive.class, a -> {
            assertThat(a.incarnation()).isEqualTo(2);
            assertThat(a.meta()).containsExactly(tags);
        });
        assertThat(WireCodec.encode(sent.get(0))).containsExactly(
                WireCodec.encode(new Message.Alive(2, "me", IP, 7000, tags, MembershipState.VSN.clone())));
    }

    @Test
    void aliveAddsAMemberAndIsRegossipedOnceOnly() {
        state.start(IP, 7000, META, 1);
        events.clear();
        state.onAlive(alive("a", 1, 7001), false);
        assertThat(table.get("a").state()).isEqualTo(MemberState.ALIVE);
        assertThat(events).containsExactly("JOINED a");
        state.onAlive(alive("a", 1, 7001), false);
        assertThat(events).containsExactly("JOINED a");
        assertThat(drain()).filteredOn(m -> m instanceof Message.Alive al && al.node().equals("a")).hasSize(1);
    }

    @Test
    void aliveFromAnotherAddressIsANameConflict() {
        state.start(IP, 7000, META, 1);
        state.onAlive(alive("a", 1, 7001), false);
        state.onAlive(alive("a", 5, 7002), false);
        assertThat(conflicts).containsExactly("a");
        assertThat(table.get("a").socketAddress().getPort()).isEqualTo(7001);
        assertThat(table.get("a").incarnation()).isEqualTo(1);
    }

    @Test
    void suspicionExpiresIntoFailedWithoutRefutation() {
        state.start(IP, 7000, META, 1);
        state.onAlive(alive("a", 1, 7001), false);
        state.onSuspect(new Message.Suspect(1, "a", "me"));
        assertThat(table.get("a").state()).isEqualTo(MemberState.SUSPECT);
        // n = 2: k = 0 -> timeout = min = 4 x 1 s
        time.advanceTimeBy(Duration.ofMillis(3999));
        assertThat(table.get("a").state()).isEqualTo(MemberState.SUSPECT);
        time.advanceTimeBy(Duration.ofMillis(1));
        assertThat(table.get("a").state()).isEqualTo(MemberState.DEAD);
        assertThat(events).contains("SUSPECTED a", "FAILED a");
    }

    @Test
    void aRefutationWithAHigherIncarnationCancelsTheSuspicion() {
        state.start(IP, 7000, META, 1);
        state.onAlive(alive("a", 1, 7001), false);
        state.onSuspect(new Message.Suspect(1, "a", "me"));
        state.onAlive(alive("a", 2, 7001), false);
        time.advanceTimeBy(Duration.ofMinutes(1));
        assertThat(table.get("a").state()).isEqualTo(MemberState.ALIVE);
        assertThat(events).containsSubsequence("SUSPECTED a", "RECOVERED a");
    }

    @Test
    void confirmationsFromOthersShortenTheTimeout() {
        state.start(IP, 7000, META, 1);
        for (String n : List.of("a", "b", "c", "d", "e")) {
            state.onAlive(alive(n, 1, 7000 + n.charAt(0)), false);
        }
        // n = 6, k = 2, min = 4 s, max = 24 s
        state.onSuspect(new Message.Suspect(1, "a", "b"));
        time.advanceTimeBy(Duration.ofSeconds(5));
        assertThat(table.get("a").state()).isEqualTo(MemberState.SUSPECT);
        state.onSuspect(new Message.Suspect(1, "a", "c"));
        state.onSuspect(new Message.Suspect(1, "a", "d"));
        time.advanceTimeBy(Duration.ofMillis(1));
        assertThat(table.get("a").state()).isEqualTo(MemberState.DEAD);
    }

    @Test
    void accusationsAboutSelfAreRefutedWithAHigherIncarnation() {
        state.start(IP, 7000, META, 1);
        state.onAlive(alive("a", 1, 7001), false);
        drain();
        state.onSuspect(new Message.Suspect(1, "me", "a"));
        assertThat(table.get("me").incarnation()).isEqualTo(2);
        state.onDead(new Message.Dead(7, "me", "a"));
        assertThat(table.get("me").incarnation()).isEqualTo(8);
        assertThat(table.get("me").state()).isEqualTo(MemberState.ALIVE);
        assertThat(awareness.score()).isEqualTo(2);
        assertThat(drain()).filteredOn(m -> m instanceof Message.Alive al && al.node().equals("me"))
                .extracting(m -> ((Message.Alive) m).incarnation()).containsExactly(8L);
    }

    @Test
    void deadFromTheNodeItselfMeansLeft() {
        state.start(IP, 7000, META, 1);
        state.onAlive(alive("a", 1, 7001), false);
        state.onDead(new Message.Dead(1, "a", "a"));
        assertThat(table.get("a").state()).isEqualTo(MemberState.LEFT);
        assertThat(events).contains("LEFT a");
    }

    @Test
    void pushPullMergeSuspectsRemoteDeadInsteadOfKillingIt() {
        state.start(IP, 7000, META, 1);
        state.onAlive(alive("a", 1, 7001), false);
        state.merge(List.of(new Message.PushNodeState("a", IP, 7001, META, 1, 2, MembershipState.VSN.clone()),
                new Message.PushNodeState("b", IP, 7002, META, 3, 0, MembershipState.VSN.clone()),
                new Message.PushNodeState("c", IP, 7003, META, 1, 3, MembershipState.VSN.clone())));
        assertThat(table.get("a").state()).isEqualTo(MemberState.SUSPECT);
        assertThat(table.get("b").state()).isEqualTo(MemberState.ALIVE);
        assertThat(table.get("b").incarnation()).isEqualTo(3);
        assertThat(table.get("c")).as("an unknown left member is not added").isNull();
    }

    @Test
    void aRestartedNodeRefutesItsOwnDeathLearnedThroughPushPull() {
        state.start(IP, 7000, META, 1);
        state.merge(List.of(new Message.PushNodeState("me", IP, 7000, META, 9, 2, MembershipState.VSN.clone())));
        assertThat(table.get("me").state()).isEqualTo(MemberState.ALIVE);
        assertThat(table.get("me").incarnation()).isEqualTo(10);
    }

    @Test
    void aliveWithIncompatibleVersionsIsDropped() {
        state.start(IP, 7000, META, 1);
        state.onAlive(new Message.Alive(1, "old", IP, 7001, META, new byte[] {1, 5, 9, 2, 5, 5}), false);
        assertThat(table.get("old")).isNull();
        assertThat(metrics.snapshot().dropsByReason()).containsEntry("version", 1L);
    }

    @Test
    void leaveGossipsDeadAboutSelfAndReportsWhenSent() {
        state.start(IP, 7000, META, 1);
        state.onAlive(alive("a", 1, 7001), false);
        drain();
        boolean[] sent = new boolean[1];
        state.leave(() -> sent[0] = true);
        assertThat(table.get("me").state()).isEqualTo(MemberState.LEFT);
        for (int i = 0; i < 4 && !sent[0]; i++) {
            assertThat(drain()).anyMatch(m -> m instanceof Message.Dead d && d.node().equals("me") && d.from().equals("me"));
        }
        assertThat(sent[0]).isTrue();
        state.onAlive(alive("me", 5, 7000), false);
        assertThat(table.get("me").state()).as("no rejoin after leave").isEqualTo(MemberState.LEFT);
    }
}
