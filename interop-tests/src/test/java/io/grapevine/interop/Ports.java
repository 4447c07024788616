package io.grapevine.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ephemeral loopback ports for programs that must be told their port (serf agents, Grapevine
 * node processes): memberlist uses one number for UDP and TCP, so a port is only handed out when
 * both are free at that moment, and never twice in this JVM.
 */
final class Ports {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    /** @return a port free for both UDP and TCP on 127.0.0.1 */
    static int free() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (ServerSocket tcp = new ServerSocket(0, 1, LOOPBACK)) {
                port = tcp.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind a TCP socket on loopback", e);
            }
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (SocketException busy) {
                // UDP side taken: try another
            }
        }
        throw new IllegalStateException("no port free for both UDP and TCP on loopback after 100 attempts");
    }

    /**
     * @param port a port on 127.0.0.1
     * @return the address
     */
    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(LOOPBACK, port);
    }

    /**
     * @param address an address
     * @return {@code host:port} as the serf command line and Node's {@code --seeds} want it
     */
    static String hostPort(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
