package io.grapevine.interop;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that runs real {@code serf} agents: it is skipped, with the reason shown,
 * where serf is not installed, and fails instead when {@code GRAPEVINE_REQUIRE_SERF=1} (as in CI).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SerfCondition.class)
@interface RequiresSerf {
}
