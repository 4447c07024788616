package io.grapevine.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grapevine.kv.internal.Json;
import io.grapevine.membership.Profile;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's events from a real two-node cluster, read over a real HTTP connection: key
 * counts gathered from the other node, and member and ring changes pushed as they happen when a
 * third node joins and then leaves.
 */
class DashboardEventsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void countsOfOtherNodesAndMembershipAndRingChangesArePushed() throws Exception {
        try (TestCluster cluster = TestCluster.start(2, b -> b.dashboardRefresh(Duration.ofMillis(100)))) {
            for (int i = 0; i < 30; i++) {
                assertThat(cluster.client(0).put("k" + i, "v".getBytes(StandardCharsets.UTF_8)).block().status())
                    .isEqualTo(204);
            }
            InetSocketAddress n1 = cluster.nodes.get(0).httpAddress();
            List<Long> ids = new ArrayList<>();
            try (SseClient sse = SseClient.open(n1, "/events", Map.of())) {
                SseClient.Event first = sse.next(WAIT);
                ids.add(Long.parseLong(first.id()));
                JsonNode snap = Json.MAPPER.readTree(first.data());
                assertThat(first.type()).isEqualTo("snapshot");
                assertThat(snap.path("members").findValuesAsText("name")).containsExactly("n1", "n2");
                assertThat(snap.path("ring").path("owners").toString()).isEqualTo("[\"n1\",\"n2\"]");
                for (JsonNode slot : snap.path("ring").path("slots")) {
                    assertThat(slot).as("RF 2: both nodes replicate every slot").hasSize(2);
                    assertThat(slot.get(0).asInt()).isNotEqualTo(slot.get(1).asInt());
                }

                // n2's count comes from n2, through n1
                SseClient.Event stats = sse.await(e -> e.type().equals("stats")
                    && json(e).path("nodes").path("n2").path("keys").asLong() == 30, WAIT);
                ids.add(Long.parseLong(stats.id()));
                assertThat(json(stats).path("nodes").path("n2").path("stale").asBoolean()).isFalse();

                // a joining node: member event, then a ring event with the ranges it takes
                KvNode n3 = KvNode.start(KvConfig.builder().name("n3")
                    .gossip(new InetSocketAddress("127.0.0.1", 0)).http(new InetSocketAddress("127.0.0.1", 0))
                    .profile(Profile.LOCAL).replication(2)
                    .seeds(List.of(cluster.nodes.get(0).membership().local().address())).build()).block(WAIT);
                cluster.nodes.add(n3);
                SseClient.Event joined = sse.await(e -> e.type().equals("member") && stateOf(e, "n3").equals("ALIVE"), WAIT);
                ids.add(Long.parseLong(joined.id()));
                JsonNode member = memberOf(joined, "n3");
                assertThat(member.path("http").asText()).isEqualTo("http://127.0.0.1:" + n3.httpAddress().getPort());
                SseClient.Event ring = sse.await(e -> e.type().equals("ring")
                    && json(e).path("owners").toString().equals("[\"n1\",\"n2\",\"n3\"]"), WAIT);
                ids.add(Long.parseLong(ring.id()));
                JsonNode change = json(ring).path("change");
                assertThat(change.path("moved").asInt()).as("n3 takes ranges over").isPositive();
                JsonNode move = change.path("movements").get(0);
                assertThat(move.path("after").toString()).contains("n3");
                assertThat(move.path("from").asDouble()).isBetween(0.0, 1.0);

                // a leaving node: it hands over, others see it LEFT
                n3.leave().block(Duration.ofSeconds(60));
                SseClient.Event left = sse.await(e -> e.type().equals("member") && stateOf(e, "n3").equals("LEFT"), WAIT);
                ids.add(Long.parseLong(left.id()));
            }
            assertThat(ids).isSorted().doesNotHaveDuplicates();
        }
    }

    private static JsonNode json(SseClient.Event e) {
        try {
            return Json.MAPPER.readTree(e.data());
        } catch (java.io.IOException ex) {
            throw new AssertionError("event data is not JSON: " + e.data(), ex);
        }
    }

    private static JsonNode memberOf(SseClient.Event e, String name) {
        for (JsonNode m : json(e).path("members")) {
            if (m.path("name").asText().equals(name)) {
                return m;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String stateOf(SseClient.Event e, String name) {
        return memberOf(e, name).path("state").asText();
    }
}
