package io.grapevine.kv.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grapevine.kv.KvConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArgsTest {

    @Test
    void nodeOptionsBecomeAConfig() {
        KvConfig c = NodeCommand.config(Args.parse(new String[] {"--name", "n1", "--gossip", "127.0.0.1:7000",
            "--http=127.0.0.1:0", "--seeds", "127.0.0.1:7001,127.0.0.1:7002", "--tag", "zone=a", "--replication", "1",
            "--tombstone-grace", "90s", "--fsync", "--profile", "local"}, NodeCommand.VALUED, NodeCommand.SWITCHES));
        assertThat(c.name()).isEqualTo("n1");
        assertThat(c.gossip().getPort()).isEqualTo(7000);
        assertThat(c.http().getPort()).isZero();
        assertThat(c.seeds()).hasSize(2);
        assertThat(c.tags()).containsEntry("zone", "a");
        assertThat(c.replication()).isEqualTo(1);
        assertThat(c.writeQuorum()).isEqualTo(1);
        assertThat(c.readQuorum()).isEqualTo(1);
        assertThat(c.tombstoneGrace()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.fsync()).isTrue();
    }

    @Test
    void defaultQuorumsAreAMajorityOfTheReplicas() {
        KvConfig c = KvConfig.builder().name("n").build();
        assertThat(c.replication()).isEqualTo(3);
        assertThat(c.writeQuorum()).isEqualTo(2);
        assertThat(c.readQuorum()).isEqualTo(2);
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> Args.parse(new String[] {"--nmae", "x"}, NodeCommand.VALUED, NodeCommand.SWITCHES))
            .hasMessageContaining("unknown option --nmae");
        assertThatThrownBy(() -> NodeCommand.config(Args.parse(new String[] {"--name", "n", "--w", "4"},
            NodeCommand.VALUED, NodeCommand.SWITCHES))).hasMessageContaining("write quorum");
        assertThatThrownBy(() -> Args.duration("10 parsecs")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KvConfig.builder().name("n").tags(java.util.Map.of("http", "x")).build())
            .hasMessageContaining("set by the node itself");
    }

    @Test
    void durationsReadLikePeopleWriteThem() {
        assertThat(Args.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Args.duration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Args.duration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Args.duration("0")).isEqualTo(Duration.ZERO);
        assertThat(Args.duration("PT3S")).isEqualTo(Duration.ofSeconds(3));
    }
}
