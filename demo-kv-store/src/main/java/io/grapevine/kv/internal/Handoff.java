package io.grapevine.kv.internal;

import io.grapevine.kv.LeaveReport;
import io.grapevine.membership.Member;
import io.grapevine.repair.RepairReport;
import io.grapevine.repair.Repairer;
import io.grapevine.ring.RangeMovement;
import io.grapevine.ring.RingSnapshot;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Hands a leaving node's ranges over before it goes: computes the ring without it and, for every
 * range it replicates, repairs that range with each member that will gain it, so the new replicas
 * hold everything this node holds before the rest of the cluster even sees it leave. (The gaining
 * members also repair from the remaining replicas once they see the ring change.)
 */
public final class Handoff {
    private Handoff() {
    }

    /**
     * @param ring        the current ring
     * @param self        this node's name
     * @param peers       where members' repair servers listen
     * @param repairer    runs sessions
     * @param concurrency sessions at once
     * @return the summary, once every session ended
     */
    public static Mono<LeaveReport> run(RingSnapshot ring, String self, Peers peers, Repairer repairer, int concurrency) {
        return Mono.defer(() -> {
            long t0 = System.nanoTime();
            List<Member> others = new ArrayList<>();
            for (Member m : ring.members()) {
                if (!m.name().equals(self)) {
                    others.add(m);
                }
            }
            RingSnapshot after = ring.update(others);
            List<Task> tasks = new ArrayList<>();
            for (RangeMovement m : RingSnapshot.movements(ring, after)) {
                if (m.losing().stream().noneMatch(x -> x.name().equals(self))) {
                    continue;
                }
                for (Member gaining : m.gaining()) {
                    tasks.add(new Task(m, gaining));
                }
            }
            AtomicLong ok = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicLong sent = new AtomicLong();
            return Flux.fromIterable(tasks)
                .flatMap(t -> {
                    InetSocketAddress to = peers.repair(t.to);
                    if (to == null) {
                        failed.incrementAndGet();
                        return Mono.empty();
                    }
                    return repairer.repair(t.movement.range(), to, t.to.name(), RepairReport.Reason.MANUAL)
                        .doOnNext(r -> {
                            ok.incrementAndGet();
                            sent.addAndGet(r.entriesSent());
                        })
                        .onErrorResume(e -> {
                            failed.incrementAndGet();
                            return Mono.empty();
                        });
                }, concurrency)
                .then(Mono.fromSupplier(() -> new LeaveReport(tasks.size(), ok.get(), failed.get(), sent.get(),
                    (System.nanoTime() - t0) / 1_000_000)));
        });
    }

    private record Task(RangeMovement movement, Member to) {
    }
}
