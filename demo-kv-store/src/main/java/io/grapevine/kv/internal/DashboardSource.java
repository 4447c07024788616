package io.grapevine.kv.internal;

import io.grapevine.kv.KvStats;
import io.grapevine.kv.RingChange;
import io.grapevine.membership.MembershipView;
import io.grapevine.repair.RepairReport;
import io.grapevine.ring.RingSnapshot;
import reactor.core.publisher.Flux;

/** What the dashboard reads from the node it runs on; the node implements it once it has joined. */
public interface DashboardSource {
    /** @return this node's name */
    String name();

    /** @return the current membership view */
    MembershipView view();

    /** @return the current view on subscribe, then every changed one (latest only for a slow subscriber) */
    Flux<MembershipView> views();

    /** @return the ring this node routes with, or null before the first one */
    RingSnapshot ring();

    /** @return the current ring on subscribe, then every change with the ranges that moved */
    Flux<RingChange> ringChanges();

    /** @return every finished repair session from now on */
    Flux<RepairReport> repairReports();

    /** @return this node's figures, as {@code GET /stats} shows them */
    KvStats stats();
}
