package io.grapevine.membership.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class),
            Duration.ofSeconds(10), now::get);

    @Test
    void atMostOneLinePerReasonPerInterval() {
        assertThat(log.warn("malformed", "bad stream from {}", "a")).isTrue();
        assertThat(log.warn("malformed", "bad stream from {}", "b")).isFalse();
        now.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
        assertThat(log.warn("malformed", "bad stream from {}", "c")).isFalse();
        now.addAndGet(1);
        assertThat(log.warn("malformed", "bad stream from {}", "d")).isTrue();
    }

    @Test
    void reasonsAreLimitedSeparately() {
        assertThat(log.warn("malformed", "x")).isTrue();
        assertThat(log.warn("timeout", "y")).isTrue();
        assertThat(log.warn("timeout", "y")).isFalse();
        assertThat(log.warn("oversized", "z")).isTrue();
    }
}
