package io.grapevine.interop;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Decides whether serf tests can run. Without serf they are skipped with a visible reason, unless
 * the environment says serf is required: then they are enabled and fail in {@code @BeforeAll}, so
 * a CI image that lost serf cannot pass by skipping.
 */
final class SerfCondition implements ExecutionCondition, BeforeAllCallback {
    static final String REQUIRE_ENV = "GRAPEVINE_REQUIRE_SERF";
    /** The serf program: {@code serf} on the PATH unless {@code -Dgrapevine.serf=/path/to/serf}. */
    static final String BINARY = System.getProperty("grapevine.serf", "serf");
    static final String SKIP_REASON = "serf not installed (apt-get install serf); set " + REQUIRE_ENV
            + "=1 to fail instead";

    private static volatile String version;
    private static volatile boolean skipAnnounced;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (installedVersion() != null) {
            return ConditionEvaluationResult.enabled("serf " + installedVersion() + " found");
        }
        if (required()) {
            return ConditionEvaluationResult.enabled(REQUIRE_ENV + "=1: a missing serf must fail the build");
        }
        if (!skipAnnounced) {
            skipAnnounced = true;
            System.out.println("[serf interop tests SKIPPED] " + SKIP_REASON);
        }
        return ConditionEvaluationResult.disabled(SKIP_REASON);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (installedVersion() == null) {
            throw new AssertionError("serf not installed (apt-get install serf), and " + REQUIRE_ENV
                    + "=1 requires the serf interoperability tests to run");
        }
    }

    private static boolean required() {
        return "1".equals(System.getenv(REQUIRE_ENV));
    }

    /** @return the first line of {@code serf version} (e.g. {@code 0.8.2-dev}), or null when serf cannot be run */
    static String installedVersion() {
        String v = version;
        if (v == null) {
            try {
                Cli.Result r = Cli.run(Duration.ofSeconds(10), List.of(BINARY, "version"));
                v = r.ok() ? r.output().lines().findFirst().orElse("?").trim() : "";
            } catch (IOException e) {
                v = "";
            }
            version = v;
        }
        return v.isEmpty() ? null : v;
    }
}
