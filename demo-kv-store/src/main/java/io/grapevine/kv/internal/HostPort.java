package io.grapevine.kv.internal;

import java.net.InetSocketAddress;

/** {@code host:port} strings, as flags and member tags carry addresses. */
public final class HostPort {
    private HostPort() {
    }

    /**
     * @param text {@code host:port}, {@code [v6]:port} or {@code :port} (loopback)
     * @return the address (IP literals are not looked up)
     * @throws IllegalArgumentException when malformed
     */
    public static InetSocketAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected host:port, got nothing");
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected host:port: " + text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            host = "127.0.0.1";
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in " + text);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range in " + text);
        }
        return new InetSocketAddress(host, port);
    }

    /** @return {@code host:port} with the numeric host ({@code [v6]:port} for IPv6) */
    public static String format(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
