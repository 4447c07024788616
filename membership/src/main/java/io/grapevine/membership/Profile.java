package io.grapevine.membership;

import java.time.Duration;

/**
 * Timing presets, mirroring memberlist's {@code DefaultLANConfig}, {@code DefaultWANConfig} and
 * {@code DefaultLocalConfig}. Every value can be overridden on {@link MembershipConfig.Builder}.
 */
public enum Profile {
    /** A local-area network: probe every 1 s, time out after 500 ms (memberlist's default). */
    LAN(Duration.ofSeconds(1), Duration.ofMillis(500), 3, 4, 6, 4, Duration.ofMillis(200), 3,
            Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(10)),
    /** A wide-area network: slower probes, longer timeouts, more suspicion. */
    WAN(Duration.ofSeconds(5), Duration.ofSeconds(3), 3, 6, 6, 4, Duration.ofMillis(500), 4,
            Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(30)),
    /** One host or a very fast network: quick timeouts, one indirect check. */
    LOCAL(Duration.ofSeconds(1), Duration.ofMillis(200), 1, 3, 6, 2, Duration.ofMillis(100), 3,
            Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(1));

    final Duration probeInterval;
    final Duration probeTimeout;
    final int indirectChecks;
    final int suspicionMult;
    final int suspicionMaxTimeoutMult;
    final int retransmitMult;
    final Duration gossipInterval;
    final int gossipNodes;
    final Duration gossipToTheDead;
    final Duration pushPullInterval;
    final Duration streamTimeout;

    Profile(Duration probeInterval, Duration probeTimeout, int indirectChecks, int suspicionMult,
            int suspicionMaxTimeoutMult, int retransmitMult, Duration gossipInterval, int gossipNodes,
            Duration gossipToTheDead, Duration pushPullInterval, Duration streamTimeout) {
        this.probeInterval = probeInterval;
        this.probeTimeout = probeTimeout;
        this.indirectChecks = indirectChecks;
        this.suspicionMult = suspicionMult;
        this.suspicionMaxTimeoutMult = suspicionMaxTimeoutMult;
        this.retransmitMult = retransmitMult;
        this.gossipInterval = gossipInterval;
        this.gossipNodes = gossipNodes;
        this.gossipToTheDead = gossipToTheDead;
        this.pushPullInterval = pushPullInterval;
        this.streamTimeout = streamTimeout;
    }
}
