package io.grapevine.bench.ring;

import io.grapevine.membership.Member;
import io.grapevine.ring.RangeMovement;
import io.grapevine.ring.RingConfig;
import io.grapevine.ring.RingSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Our ring: capped rendezvous over fixed partitions, rebuilt incrementally. */
final class GrapevineModel implements RingModel {
    private final String label;
    private final RingConfig config;

    GrapevineModel(String label, RingConfig config) {
        this.label = label;
        this.config = config;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public Ring build(List<Member> members) {
        return new Built(RingSnapshot.of(members, config));
    }

    @Override
    public Ring update(Ring previous, List<Member> members) {
        return new Built(((Built) previous).snapshot.update(members));
    }

    /** A snapshot seen as a model ring. */
    record Built(RingSnapshot snapshot) implements Ring {
        @Override
        public List<Member> replicas(long token) {
            return snapshot.replicasForToken(token);
        }

        @Override
        public Map<String, Double> ownership() {
            Map<String, Double> out = new HashMap<>();
            for (Member m : snapshot.members()) {
                out.put(m.name(), snapshot.ownership(m.name()));
            }
            return out;
        }

        @Override
        public Moved movedSince(Ring before, String changed, boolean join) {
            double total = 0;
            double off = 0;
            for (RangeMovement mv : RingSnapshot.movements(((Built) before).snapshot, snapshot)) {
                double f = mv.range().fraction();
                total += f * mv.gaining().size();
                for (Member m : join ? mv.gaining() : mv.losing()) {
                    off += m.name().equals(changed) ? 0 : f;
                }
            }
            return new Moved(total, off);
        }

        @Override
        public boolean exact() {
            return true;
        }
    }
}
