package io.grapevine.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.grapevine.membership.Member;
import io.grapevine.membership.MemberState;
import io.grapevine.membership.internal.codec.Message;
import io.grapevine.membership.internal.codec.SerfTags;
import io.grapevine.membership.internal.codec.WireCodec;
import io.grapevine.membership.internal.protocol.MembershipState;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: a node's member table ends in the same state whatever order the same gossip reaches
 * it in, duplicates and stale messages included. The one order the protocol needs, as memberlist
 * does, is that the messages about a member's newest incarnation keep their causal order (its
 * alive before the suspicions and death raised against it): a suspicion or death about a member
 * the node holds dead or does not know is dropped, since it carries no address to revive it with.
 */
class OrderIndependenceTest {
    private static final InetSocketAddress SENDER = new InetSocketAddress("10.9.9.9", 7946);

    /** One gossip message about one member. */
    private record Gossip(String member, long incarnation, int kind, byte[] bytes) {
        static final int ALIVE = 0;
        static final int SUSPECT = 1;
        static final int DEAD = 2;
    }

    /** What a member ends as: its newest incarnation's last word. */
    private record Expected(String member, long incarnation, MemberState state) {
    }

    @Test
    void theTableEndsTheSameWhateverTheOrder() {
        Random random = new Random(2024);
        for (int trial = 0; trial < 150; trial++) {
            List<Expected> expected = new ArrayList<>();
            List<Gossip> history = history(random, 2 + random.nextInt(5), expected);
            List<Member> first = null;
            for (int order = 0; order < 6; order++) {
                List<Member> table = deliver(shuffle(history, random));
                for (Expected e : expected) {
                    Member m = table.stream().filter(x -> x.name().equals(e.member())).findFirst().orElseThrow();
                    assertThat(m.state()).as("trial %d order %d: %s", trial, order, e).isEqualTo(e.state());
                    assertThat(m.incarnation()).isEqualTo(e.incarnation());
                    assertThat(m.tags()).containsEntry("v", String.valueOf(e.incarnation()));
                }
                if (first == null) {
                    first = table;
                } else {
                    assertThat(table).as("trial %d order %d", trial, order).containsExactlyElementsOf(first);
                }
            }
        }
    }

    /** Members that join, get suspected, refute, and sometimes die, as a real run produces. */
    private static List<Gossip> history(Random random, int members, List<Expected> expected) {
        List<Gossip> out = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            String name = "peer-" + m;
            byte[] ip = {10, 1, 0, (byte) (m + 1)};
            int newest = 1 + random.nextInt(4);
            MemberState last = MemberState.ALIVE;
            for (int inc = 1; inc <= newest; inc++) {
                byte[] meta = SerfTags.encode(Map.of("v", String.valueOf(inc)));
                out.add(new Gossip(name, inc, Gossip.ALIVE, WireCodec.encode(
                        new Message.Alive(inc, name, ip, 7946, meta, MembershipState.VSN.clone()))));
                last = MemberState.ALIVE;
                if (random.nextInt(3) > 0) {
                    out.add(new Gossip(name, inc, Gossip.SUSPECT, WireCodec.encode(
                            new Message.Suspect(inc, name, "accuser-" + random.nextInt(3)))));
                    last = MemberState.SUSPECT;
                }
                if (inc < newest ? random.nextInt(3) == 0 : random.nextInt(4) == 0) {
                    out.add(new Gossip(name, inc, Gossip.DEAD, WireCodec.encode(
                            new Message.Dead(inc, name, "accuser-" + random.nextInt(3)))));
                    last = MemberState.DEAD;
                }
            }
            expected.add(new Expected(name, newest, last));
        }
        // Duplicates, as gossip retransmits.
        int copies = random.nextInt(out.size() + 1);
        for (int i = 0; i < copies; i++) {
            out.add(out.get(random.nextInt(out.size())));
        }
        return out;
    }

    /** Any order, except that each member's newest-incarnation messages keep their causal order. */
    private static List<Gossip> shuffle(List<Gossip> history, Random random) {
        List<Gossip> order = new ArrayList<>(history);
        Collections.shuffle(order, random);
        Map<String, Long> newest = new java.util.HashMap<>();
        for (Gossip g : history) {
            newest.merge(g.member(), g.incarnation(), Math::max);
        }
        List<Integer> slots = new ArrayList<>();
        List<Gossip> block = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            Gossip g = order.get(i);
            if (g.incarnation() == newest.get(g.member())) {
                slots.add(i);
                block.add(g);
            }
        }
        for (String member : newest.keySet().stream().sorted().toList()) {
            List<Integer> memberSlots = new ArrayList<>();
            List<Gossip> memberBlock = new ArrayList<>();
            for (int i = 0; i < slots.size(); i++) {
                if (block.get(i).member().equals(member)) {
                    memberSlots.add(slots.get(i));
                    memberBlock.add(block.get(i));
                }
            }
            memberBlock.sort(Comparator.comparingInt(Gossip::kind));
            for (int i = 0; i < memberSlots.size(); i++) {
                order.set(memberSlots.get(i), memberBlock.get(i));
            }
        }
        return order;
    }

    /** Feeds the messages, in order, to a fresh node and returns its table. */
    private static List<Member> deliver(List<Gossip> order) {
        try (SimulatedCluster c = SimulatedCluster.builder().nodes(1).seed(1).build()) {
            SimulatedNode node = c.node(0);
            for (Gossip g : order) {
                c.network().inject(SENDER, node.name(), g.bytes());
            }
            assertThat(c.errors()).isEmpty();
            return node.view().members();
        }
    }
}
