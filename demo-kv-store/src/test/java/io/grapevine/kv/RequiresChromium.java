package io.grapevine.kv;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that drives a real headless Chromium: it is skipped, with the reason shown,
 * where Chromium is not installed, and fails instead when {@code GRAPEVINE_REQUIRE_CHROMIUM=1}
 * (as in CI).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ChromiumCondition.class)
@interface RequiresChromium {
}
