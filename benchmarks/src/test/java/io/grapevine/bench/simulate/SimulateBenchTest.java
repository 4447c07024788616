package io.grapevine.bench.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code simulate} command on a small cluster: it must keep printing the table that
 * docs/benchmarks.md quotes, with every crash found and no live node failed. The figures
 * themselves are the benchmark's business; here only their presence and sense.
 */
class SimulateBenchTest {

    private static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            SimulateBench.main(args);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        return out;
    }

    private static double ratio(String table, String metric) {
        Matcher m = Pattern.compile("\\| " + Pattern.quote(metric) + " \\| [0-9.,]+ \\| [0-9.,]+ \\| ([0-9.]+) \\|").matcher(table);
        assertThat(m.find()).as("a row '%s' with a ratio in%n%s", metric, table).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void smallClusterInWavesPrintsEveryRowWithCrashesFoundAndNoFalseFailures() {
        String table = run("--nodes", "60", "--join-waves", "3", "--minutes", "3", "--crashes", "3", "--seed", "7");

        assertThat(table).contains("## 60 nodes, LAN, loss 0.0%, seed 7")
                .contains("| join convergence, 3 waves of 20, all waves (s) |")
                .contains("| crashes detected everywhere | 3 of 3 |")
                .contains("| false FAILED (live nodes) | 0 |");
        assertThat(ratio(table, "crash -> first suspicion, mean (s)")).isPositive();
        assertThat(ratio(table, "crash -> FAILED on all, mean (s)")).isBetween(0.5, 2.0);
        assertThat(ratio(table, "datagrams/node/s, quiet minute")).isPositive();
    }

    @Test
    void sameSeedPrintsTheSameTable() {
        String a = run("--nodes", "30", "--minutes", "2", "--crashes", "2", "--seed", "3");
        String b = run("--nodes", "30", "--minutes", "2", "--crashes", "2", "--seed", "3");

        assertThat(tableRows(a)).isEqualTo(tableRows(b)).contains("| crashes detected everywhere | 2 of 2 |");
    }

    @Test
    void unknownOptionsAndTooManyWavesAreRefusedWithTheUsage() {
        assertThatThrownBy(() -> SimulateBench.main(new String[] {"--nodez", "10"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option --nodez").hasMessageContaining("usage:");
        assertThatThrownBy(() -> SimulateBench.main(new String[] {"--nodes", "10", "--join-waves", "5"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fewer than 3 nodes per wave");
    }

    /** The table without the wall and CPU times, which vary from run to run. */
    private static String tableRows(String out) {
        StringBuilder rows = new StringBuilder();
        for (String line : out.split("\n")) {
            if (line.startsWith("|")) {
                rows.append(line).append('\n');
            }
        }
        return rows.toString();
    }
}
