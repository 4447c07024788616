package io.grapevine.membership.internal.protocol;

import java.net.ConnectException;
import java.util.Locale;

/**
 * Tells a refused connection (the peer's host answered with a reset: nothing listens on that
 * port) from every other connect failure. Only a refusal is evidence that a member's process is
 * gone; a timeout, an unreachable network or a closed stream is not.
 */
final class ConnectionRefusal {
    private ConnectionRefusal() {
    }

    /**
     * @param error a failure of a stream exchange
     * @return whether it, or one of its causes, is a refused connection
     */
    static boolean is(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            // Netty's ConnectTimeoutException is a ConnectException too: the message tells them apart.
            if (e instanceof ConnectException && e.getMessage() != null
                    && e.getMessage().toLowerCase(Locale.ROOT).contains("refused")) {
                return true;
            }
        }
        return false;
    }
}
