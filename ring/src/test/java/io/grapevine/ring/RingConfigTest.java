package io.grapevine.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RingConfigTest {

    @Test
    void defaultsAreDocumented() {
        RingConfig c = RingConfig.builder().build();
        assertThat(c.replicationFactor()).isEqualTo(3);
        assertThat(c.partitions()).isEqualTo(RingConfig.DEFAULT_PARTITIONS);
        assertThat(c.zoneTag()).isNull();
        assertThat(c.maxLoadFactor()).isEmpty(); // automatic
        assertThat(c.failedGracePeriod()).isZero();
        assertThat(c.keyHash().applyAsLong(new byte[] {1, 2})).isEqualTo(Tokens.of(new byte[] {1, 2}));
    }

    @Test
    void rejectsReplicationFactorBelowOneOrAboveTheMaximum() {
        assertThatThrownBy(() -> RingConfig.builder().replicationFactor(0).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicationFactor");
        assertThatThrownBy(() -> RingConfig.builder().replicationFactor(-3).build())
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RingConfig.builder().replicationFactor(RingConfig.MAX_REPLICATION_FACTOR + 1).build())
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsPartitionCountsThatAreNotPowersOfTwoInRange() {
        assertThatThrownBy(() -> RingConfig.builder().partitions(1000).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
        assertThatThrownBy(() -> RingConfig.builder().partitions(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RingConfig.builder().partitions(RingConfig.MAX_PARTITIONS * 2).build())
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(RingConfig.builder().partitions(1).build().partitions()).isEqualTo(1);
        assertThatThrownBy(() -> RingConfig.builder().partitions(RingConfig.MAX_PARTITIONS).replicationFactor(5).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicationFactor");
    }

    @Test
    void rejectsOtherBadSettings() {
        assertThatThrownBy(() -> RingConfig.builder().zoneTag("").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RingConfig.builder().maxLoadFactor(0.99).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RingConfig.builder().maxLoadFactor(Double.NaN).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RingConfig.builder().failedGracePeriod(Duration.ofSeconds(-1)).build())
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RingConfig.builder().failedGracePeriod(null).build()).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RingConfig.builder().keyHash(null).build()).isInstanceOf(NullPointerException.class);
        assertThat(RingConfig.builder().maxLoadFactor(Double.POSITIVE_INFINITY).build().maxLoadFactor())
            .hasValue(Double.POSITIVE_INFINITY);
        assertThat(RingConfig.builder().maxLoadFactor(1.2).automaticLoadCap().build().maxLoadFactor()).isEmpty();
    }

    @Test
    void toBuilderRoundTripsAndEqualityFollowsTheSettings() {
        RingConfig c = RingConfig.builder().replicationFactor(2).partitions(1024).zoneTag("rack")
            .maxLoadFactor(1.1).failedGracePeriod(Duration.ofSeconds(30)).build();
        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(c.toBuilder().replicationFactor(3).build()).isNotEqualTo(c);
    }
}
