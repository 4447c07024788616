package io.grapevine.kv.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What survives a SIGKILL: every write the file store acknowledged, nothing half-written. */
class StoreSigkillTest {

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx128m", "-XX:+UseSerialGC", "-cp", cp, StoreCrashProbe.class.getName(), dir.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Integer> acked = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked.add(Integer.parseInt(line.substring(4)));
                    if (acked.size() == 3000) {
                        p.destroyForcibly(); // SIGKILL in the middle of writing
                        break;
                    }
                }
            }
        } finally {
            p.destroyForcibly();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acked).hasSize(3000);
        LocalStore store = LocalStore.open(dir, false, HybridClock.system(), 600_000);
        try {
            for (int i : acked) {
                var e = store.get(("key-" + i).getBytes(StandardCharsets.UTF_8)).block();
                assertThat(e).as("acknowledged key-%d", i).isNotNull();
                assertThat(new String(e.value(), StandardCharsets.UTF_8)).isEqualTo("value-" + i);
            }
            assertThat(store.liveKeys()).isGreaterThanOrEqualTo(acked.size());
        } finally {
            store.close();
        }
    }
}
