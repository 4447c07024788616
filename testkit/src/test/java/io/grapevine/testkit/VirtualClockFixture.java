package io.grapevine.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A virtual clock, the errors its tasks throw, and a log of what ran when ({@code "ms:what"}),
 * for the tests of the schedulers that run on it.
 */
abstract class VirtualClockFixture {
    final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    final List<Throwable> errors = new ArrayList<>();
    final List<String> ran = new ArrayList<>();

    @AfterEach
    void disposeClock() {
        time.dispose();
    }

    /** @return a task that logs its name with the virtual time it ran at */
    Runnable log(String what) {
        return () -> ran.add(time.now(TimeUnit.MILLISECONDS) + ":" + what);
    }
}
