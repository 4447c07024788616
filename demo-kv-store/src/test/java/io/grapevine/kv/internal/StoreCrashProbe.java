package io.grapevine.kv.internal;

import io.grapevine.repair.Entry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import reactor.core.publisher.Flux;

/**
 * Run as a child process by {@link StoreSigkillTest}: writes keys to a file store 16 at a time and
 * prints {@code ACK i} as each write completes, until it is killed.
 */
public final class StoreCrashProbe {
    private StoreCrashProbe() {
    }

    /**
     * @param args the data directory
     */
    public static void main(String[] args) {
        LocalStore store = LocalStore.open(Path.of(args[0]), false, HybridClock.system(), 600_000);
        HybridClock clock = HybridClock.system();
        System.out.println("OPEN");
        System.out.flush();
        Flux.range(0, Integer.MAX_VALUE)
            .flatMap(i -> store.write(new Entry(("key-" + i).getBytes(StandardCharsets.UTF_8),
                ("value-" + i).getBytes(StandardCharsets.UTF_8), new Version(clock.now(), "probe").encode()))
                .doOnSuccess(won -> {
                    synchronized (System.out) {
                        System.out.println("ACK " + i);
                        System.out.flush();
                    }
                }), 16)
            .blockLast();
    }
}
