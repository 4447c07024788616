package io.grapevine.membership.internal.transport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The transport's Micrometer counters for one node. The protocol registers its own drop reasons
 * on the same meter names with the same tag keys, so one dashboard query covers both layers.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>tags</th><th>counts</th></tr>
 *   <tr><td>{@value #BYTES}</td><td>{@code node}, {@code direction} = {@code in}|{@code out},
 *       {@code transport} = {@code udp}|{@code tcp}</td>
 *       <td>bytes of datagrams sent and received; bytes read from and written to stream connections</td></tr>
 *   <tr><td>{@value #PACKETS}</td><td>{@code node}, {@code direction} = {@code in}|{@code out}</td>
 *       <td>datagrams received, and datagrams the socket accepted for sending</td></tr>
 *   <tr><td>{@value #DROPS}</td><td>{@code node}, {@code reason}</td>
 *       <td>inputs or sends abandoned: see the {@code REASON_*} constants</td></tr>
 * </table>
 *
 * <p>Several transports (a restarted node, tests) may share one instance or one registry:
 * Micrometer returns the existing counter for the same name and tags, so counts accumulate.
 */
public final class TransportMeters {

    /** Meter name of byte counters. */
    public static final String BYTES = "grapevine.membership.transport.bytes";
    /** Meter name of datagram counters. */
    public static final String PACKETS = "grapevine.membership.transport.packets";
    /** Meter name of drop counters. */
    public static final String DROPS = "grapevine.membership.drops";

    /** A stream message (or a reply) whose size is beyond {@link StreamFraming#MAX_MESSAGE_BYTES}. */
    public static final String REASON_OVERSIZED = "oversized";
    /** A stream that cannot be a memberlist message (bad first byte, broken header msgpack). */
    public static final String REASON_MALFORMED = "malformed";
    /** An inbound stream exchange that missed its deadline. */
    public static final String REASON_TIMEOUT = "timeout";
    /** An inbound stream closed by the peer in the middle of a message. */
    public static final String REASON_TRUNCATED = "truncated";
    /** An inbound connection refused because too many were open. */
    public static final String REASON_OVERLOADED = "overloaded";
    /** A datagram the socket could not send, or that was refused because the send queue was full. */
    public static final String REASON_SEND_FAILED = "send-failed";

    private static final List<String> OWN_REASONS = List.of(REASON_OVERSIZED, REASON_MALFORMED, REASON_TIMEOUT,
            REASON_TRUNCATED, REASON_OVERLOADED, REASON_SEND_FAILED);

    private final MeterRegistry registry;
    private final String node;
    private final Counter udpBytesIn;
    private final Counter udpBytesOut;
    private final Counter tcpBytesIn;
    private final Counter tcpBytesOut;
    private final Counter packetsIn;
    private final Counter packetsOut;
    /** Keyed by reason; reasons are constants of our code, never peer input, so this stays small. */
    private final ConcurrentMap<String, Counter> drops = new ConcurrentHashMap<>();

    /**
     * Registers the counters (at zero) so they are visible before the first event.
     *
     * @param registry where to register
     * @param node     the {@code node} tag: the local node's name
     */
    public TransportMeters(MeterRegistry registry, String node) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.node = Objects.requireNonNull(node, "node");
        udpBytesIn = bytes("in", "udp");
        udpBytesOut = bytes("out", "udp");
        tcpBytesIn = bytes("in", "tcp");
        tcpBytesOut = bytes("out", "tcp");
        packetsIn = packets("in");
        packetsOut = packets("out");
        OWN_REASONS.forEach(this::dropCounter);
    }

    private Counter bytes(String direction, String transport) {
        return Counter.builder(BYTES).baseUnit("bytes").description("bytes sent and received by the membership transport")
                .tag("node", node).tag("direction", direction).tag("transport", transport).register(registry);
    }

    private Counter packets(String direction) {
        return Counter.builder(PACKETS).description("datagrams sent and received by the membership transport")
                .tag("node", node).tag("direction", direction).register(registry);
    }

    private Counter dropCounter(String reason) {
        return drops.computeIfAbsent(reason, r -> Counter.builder(DROPS)
                .description("membership inputs and sends dropped, by reason")
                .tag("node", node).tag("reason", r).register(registry));
    }

    void packetIn(int bytes) {
        packetsIn.increment();
        udpBytesIn.increment(bytes);
    }

    void packetOut(int bytes) {
        packetsOut.increment();
        udpBytesOut.increment(bytes);
    }

    void streamIn(int bytes) {
        tcpBytesIn.increment(bytes);
    }

    void streamOut(int bytes) {
        tcpBytesOut.increment(bytes);
    }

    void drop(String reason) {
        dropCounter(reason).increment();
    }

    /** @return datagrams received */
    public long packetsIn() {
        return (long) packetsIn.count();
    }

    /** @return datagrams sent */
    public long packetsOut() {
        return (long) packetsOut.count();
    }

    /** @return bytes received, datagrams and streams together */
    public long bytesIn() {
        return (long) (udpBytesIn.count() + tcpBytesIn.count());
    }

    /** @return bytes sent, datagrams and streams together */
    public long bytesOut() {
        return (long) (udpBytesOut.count() + tcpBytesOut.count());
    }

    /** @return drops counted by this transport, by reason (zeros included) */
    public Map<String, Long> drops() {
        Map<String, Long> copy = new TreeMap<>();
        drops.forEach((reason, counter) -> copy.put(reason, (long) counter.count()));
        return copy;
    }
}
