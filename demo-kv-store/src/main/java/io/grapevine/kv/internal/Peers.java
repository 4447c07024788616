package io.grapevine.kv.internal;

import io.grapevine.membership.Member;
import io.grapevine.membership.MembershipView;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each member's HTTP API and repair server listen, read from its {@code http} and
 * {@code repair} tags in the latest membership view. Ring snapshots keep the member values they
 * were computed from, which do not change when only tags do (a node restarted on new ports), so
 * every lookup goes through the latest view by name.
 */
public final class Peers {
    /** Tag carrying a member's HTTP address. */
    public static final String HTTP_TAG = "http";
    /** Tag carrying a member's repair address. */
    public static final String REPAIR_TAG = "repair";

    private volatile Map<String, Addresses> byName = Map.of();

    /** @param view the latest view */
    public void update(MembershipView view) {
        Map<String, Addresses> next = new HashMap<>();
        for (Member m : view.members()) {
            InetSocketAddress http = parse(m.tag(HTTP_TAG));
            next.put(m.name(), new Addresses(http, http == null ? null : "http://" + HostPort.format(http),
                parse(m.tag(REPAIR_TAG))));
        }
        byName = Map.copyOf(next);
    }

    /**
     * @param m a member
     * @return its HTTP address, or null when it publishes none
     */
    public InetSocketAddress http(Member m) {
        Addresses a = byName.get(m.name());
        return a != null && a.http != null ? a.http : parse(m.tag(HTTP_TAG));
    }

    /**
     * @param m a member
     * @return its HTTP base URL ({@code http://host:port}), or null when it publishes none
     */
    public String httpUrl(Member m) {
        Addresses a = byName.get(m.name());
        if (a != null && a.httpUrl != null) {
            return a.httpUrl;
        }
        InetSocketAddress http = http(m);
        return http == null ? null : "http://" + HostPort.format(http);
    }

    /**
     * @param m a member
     * @return its repair address, or null when it publishes none
     */
    public InetSocketAddress repair(Member m) {
        Addresses a = byName.get(m.name());
        return a != null && a.repair != null ? a.repair : parse(m.tag(REPAIR_TAG));
    }

    private static InetSocketAddress parse(String tag) {
        if (tag == null) {
            return null;
        }
        try {
            return HostPort.parse(tag);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private record Addresses(InetSocketAddress http, String httpUrl, InetSocketAddress repair) {
    }
}
