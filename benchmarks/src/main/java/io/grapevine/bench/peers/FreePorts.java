package io.grapevine.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Picks loopback ports that are free for both TCP and UDP right now. Member processes need
 * fixed ports known before they start (seeds, nftables counters), so the OS's port 0 cannot
 * be used; the short race between picking and binding is accepted.
 */
final class FreePorts {
    private static final int MAX_TRIES = 1_000;
    private final Set<Integer> taken = new HashSet<>();

    int next() {
        for (int i = 0; i < MAX_TRIES; i++) {
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = tcp.getLocalPort();
                if (!taken.contains(port) && udpFree(port)) {
                    taken.add(port);
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no loopback port to bind", e);
            }
        }
        throw new IllegalStateException("no port free for both TCP and UDP after " + MAX_TRIES + " tries");
    }

    private static boolean udpFree(int port) {
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return udp.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }
}
