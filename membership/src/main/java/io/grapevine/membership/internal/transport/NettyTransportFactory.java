package io.grapevine.membership.internal.transport;

import io.grapevine.membership.Transport;
import io.grapevine.membership.TransportFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * Binds {@link NettyTransport}s for one node. Every transport in the JVM runs on one shared set
 * of daemon event-loop threads named {@code grapevine-membership-*}, so a thousand nodes in one
 * process do not mean a thousand thread pools, and membership traffic does not queue behind an
 * application's own reactor-netty traffic.
 */
public final class NettyTransportFactory implements TransportFactory {

    private final TransportMeters meters;
    private final TransportLimits limits;

    /** Counts into a private registry under node name {@code local}: for tests and tools. */
    public NettyTransportFactory() {
        this(new SimpleMeterRegistry(), "local");
    }

    /**
     * @param registry where the {@link TransportMeters} are registered
     * @param nodeName the {@code node} tag on every meter
     */
    public NettyTransportFactory(MeterRegistry registry, String nodeName) {
        this(registry, nodeName, TransportLimits.DEFAULT);
    }

    /**
     * @param registry where the {@link TransportMeters} are registered
     * @param nodeName the {@code node} tag on every meter
     * @param limits   stream deadline and concurrent inbound stream bound
     */
    public NettyTransportFactory(MeterRegistry registry, String nodeName, TransportLimits limits) {
        this.meters = new TransportMeters(registry, nodeName);
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** @return the counters every transport of this factory reports to */
    public TransportMeters meters() {
        return meters;
    }

    @Override
    public Mono<Transport> bind(InetSocketAddress bind, Transport.Inbound inbound) {
        return NettyTransport.bind(bind, inbound, meters, limits, SharedLoops.LOOPS).cast(Transport.class);
    }

    /** Created on first use; daemon threads, never disposed, like reactor-netty's own defaults. */
    private static final class SharedLoops {
        static final LoopResources LOOPS = LoopResources.create("grapevine-membership",
                Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())), true);
    }
}
