package io.grapevine.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MembershipConfigTest {

    @Test
    void defaultsComeFromTheLanProfile() {
        MembershipConfig c = MembershipConfig.builder().nodeName("n1").build();
        assertThat(c.probeInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.probeTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.indirectChecks()).isEqualTo(3);
        assertThat(c.suspicionMult()).isEqualTo(4);
        assertThat(c.suspicionMaxTimeoutMult()).isEqualTo(6);
        assertThat(c.retransmitMult()).isEqualTo(4);
        assertThat(c.gossipInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.gossipNodes()).isEqualTo(3);
        assertThat(c.gossipToTheDead()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.pushPullInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.awarenessMaxMultiplier()).isEqualTo(8);
        assertThat(c.bind()).isEqualTo(new InetSocketAddress("127.0.0.1", 7946));
    }

    @Test
    void profilesMirrorMemberlist() {
        MembershipConfig wan = MembershipConfig.builder().nodeName("n").profile(Profile.WAN).build();
        assertThat(wan.probeInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(wan.probeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(wan.suspicionMult()).isEqualTo(6);
        assertThat(wan.gossipNodes()).isEqualTo(4);
        MembershipConfig local = MembershipConfig.builder().nodeName("n").profile(Profile.LOCAL).build();
        assertThat(local.probeTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(local.indirectChecks()).isEqualTo(1);
        assertThat(local.suspicionMult()).isEqualTo(3);
        assertThat(local.retransmitMult()).isEqualTo(2);
        assertThat(local.gossipInterval()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void overridesWinOverTheProfileAndSurviveToBuilder() {
        MembershipConfig c = MembershipConfig.builder().nodeName("n").profile(Profile.WAN)
                .probeInterval(Duration.ofSeconds(4)).build();
        assertThat(c.probeInterval()).isEqualTo(Duration.ofSeconds(4));
        assertThat(c.toBuilder().nodeName("m").build().probeInterval()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void invalidSettingsSayWhatToChange() {
        assertThatThrownBy(() -> MembershipConfig.builder().build())
                .hasMessageContaining("nodeName is required");
        assertThatThrownBy(() -> MembershipConfig.builder().nodeName("x".repeat(129)).build())
                .hasMessageContaining("longer than 128 bytes");
        assertThatThrownBy(() -> MembershipConfig.builder().nodeName("n")
                .probeTimeout(Duration.ofSeconds(2)).build())
                .hasMessageContaining("probeTimeout (PT2S) must be shorter than probeInterval (PT1S)");
        assertThatThrownBy(() -> MembershipConfig.builder().nodeName("n")
                .bind(new InetSocketAddress("0.0.0.0", 7946)).build())
                .hasMessageContaining("set advertise(...)");
        assertThatThrownBy(() -> MembershipConfig.builder().nodeName("n")
                .tags(Map.of("k", "v".repeat(600))).build())
                .hasMessageContaining("at most 512");
        assertThatThrownBy(() -> MembershipConfig.builder().nodeName("n").indirectChecks(-1).build())
                .hasMessageContaining("indirectChecks must be at least 0");
        assertThatThrownBy(() -> MembershipConfig.builder().nodeName("n")
                .seeds(java.util.List.of(InetSocketAddress.createUnresolved("nowhere", 1))).build())
                .hasMessageContaining("unresolved");
        assertThatThrownBy(() -> MembershipConfig.builder().nodeName("n").gossipInterval(Duration.ZERO).build())
                .hasMessageContaining("gossipInterval must be a positive duration");
    }

    @Test
    void keyringKeysMustBeAesSizes() {
        assertThatThrownBy(() -> Keyring.of(new byte[15])).hasMessageContaining("16, 24 or 32 bytes");
        assertThatThrownBy(() -> Keyring.fromBase64("not base64!")).hasMessageContaining("not valid base64");
        Keyring k = Keyring.of(new byte[32], new byte[16]);
        assertThat(k.size()).isEqualTo(2);
        assertThat(k.primary()).hasSize(32);
    }
}
