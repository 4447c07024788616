package io.grapevine.kv;

import java.nio.file.Files;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Decides whether browser tests can run. Without Chromium they are skipped with a visible reason,
 * unless the environment says Chromium is required: then they are enabled and fail in
 * {@code @BeforeAll}, so a CI image that lost its browser cannot pass by skipping.
 */
final class ChromiumCondition implements ExecutionCondition, BeforeAllCallback {
    static final String REQUIRE_ENV = "GRAPEVINE_REQUIRE_CHROMIUM";
    static final String SKIP_REASON = HeadlessChromium.BINARY + " not found (apt-get install chromium); set "
        + REQUIRE_ENV + "=1 to fail instead";

    private static volatile boolean skipAnnounced;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (installed()) {
            return ConditionEvaluationResult.enabled("Chromium found at " + HeadlessChromium.BINARY);
        }
        if ("1".equals(System.getenv(REQUIRE_ENV))) {
            return ConditionEvaluationResult.enabled(REQUIRE_ENV + "=1: a missing Chromium must fail the build");
        }
        if (!skipAnnounced) {
            skipAnnounced = true;
            System.out.println("[browser tests SKIPPED] " + SKIP_REASON);
        }
        return ConditionEvaluationResult.disabled(SKIP_REASON);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!installed()) {
            throw new AssertionError("Chromium not found at " + HeadlessChromium.BINARY + " (apt-get install chromium), and "
                + REQUIRE_ENV + "=1 requires the dashboard browser test to run");
        }
    }

    private static boolean installed() {
        return Files.isExecutable(HeadlessChromium.BINARY);
    }
}
