package io.grapevine.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The yardstick itself: SWIM's first-detection figures, checked against their closed forms and
 * against a seeded simulation of SWIM's own model (aligned periods, each member probing one
 * random other per period, a crash at a uniformly random moment).
 */
class LifeguardBoundsTest {

    private static final Duration T = Duration.ofSeconds(1);

    private static LifeguardBounds bounds(int n) {
        return new LifeguardBounds(n, T, 4, 6, Duration.ofMillis(200), 3, Duration.ofSeconds(30));
    }

    @Test
    void firstDetectionIsSwimsEOverEMinusOnePeriods() {
        assertThat(seconds(bounds(100_000).expectedFirstDetection())).isCloseTo(Math.E / (Math.E - 1), within(1e-3));
    }

    @Test
    void fromTheCrashInstantHalfAPeriodIsAdded() {
        LifeguardBounds b = bounds(1000);
        assertThat(seconds(b.expectedFirstDetectionFromCrash()))
                .isCloseTo(seconds(b.expectedFirstDetection()) + 0.5, within(1e-6));
    }

    @Test
    void fromCrashMedianSolvesTheModelsDistribution() {
        // For large n a period finds the member with p = 1 - 1/e; within [1, 2] periods the CDF is p (x - 1).
        double p = 1 - 1 / Math.E;
        assertThat(seconds(bounds(100_000).firstDetectionFromCrashQuantile(0.5))).isCloseTo(1 + 0.5 / p, within(1e-3));
    }

    @Test
    void fromCrashFiguresMatchASimulationOfSwimsModel() {
        int n = 100;
        int trials = 20_000;
        SplittableRandom random = new SplittableRandom(7);
        double[] times = new double[trials];
        for (int t = 0; t < trials; t++) {
            double toBoundary = random.nextDouble();
            int periods = 0;
            boolean found = false;
            while (!found) {
                periods++;
                for (int prober = 0; prober < n - 1 && !found; prober++) {
                    found = random.nextInt(n - 1) == 0; // the crashed member among this prober's n - 1 others
                }
            }
            times[t] = toBoundary + periods;
        }
        Arrays.sort(times);
        LifeguardBounds b = bounds(n);
        assertThat(Arrays.stream(times).average().orElseThrow())
                .isCloseTo(seconds(b.expectedFirstDetectionFromCrash()), within(0.03));
        assertThat(times[trials / 2]).isCloseTo(seconds(b.firstDetectionFromCrashQuantile(0.5)), within(0.03));
        assertThat(times[trials * 99 / 100]).isCloseTo(seconds(b.firstDetectionFromCrashQuantile(0.99)), within(0.15));
    }

    @Test
    void quantilesOutsideTheOpenIntervalAreRejected() {
        assertThatThrownBy(() -> bounds(10).firstDetectionFromCrashQuantile(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> bounds(10).firstDetectionQuantile(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 1)");
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
