package io.grapevine.kv;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A server-sent-events reader over a plain socket, written from the SSE and HTTP/1.1 rules so it
 * sees exactly what the node sends: the status line, headers, the chunked body and each event's
 * {@code id:}, {@code event:}, {@code data:} and {@code retry:} lines and comments.
 */
final class SseClient implements AutoCloseable {
    final int status;
    final Map<String, String> headers;
    private final Socket socket;
    private final InputStream raw;
    private final InputStream body;
    /** Comment lines seen so far (without the leading colon). */
    final List<String> comments = new ArrayList<>();
    /** The last {@code retry:} value seen, or -1. */
    long retry = -1;

    /**
     * One event.
     *
     * @param id   its id, or null
     * @param type its name ({@code message} when it has none)
     * @param data its data lines joined by newlines
     */
    record Event(String id, String type, String data) {
    }

    private SseClient(Socket socket, int status, Map<String, String> headers, InputStream raw) {
        this.socket = socket;
        this.status = status;
        this.headers = headers;
        this.raw = raw;
        this.body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? new Chunked(raw) : raw;
    }

    /** Opens {@code GET path} and reads the status line and headers. */
    static SseClient open(InetSocketAddress node, String path, Map<String, String> extraHeaders) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", node.getPort()), 5000);
        s.setSoTimeout(10_000);
        StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n");
        extraHeaders.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        s.getOutputStream().write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        InputStream in = new BufferedInputStream(s.getInputStream());
        String statusLine = line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        return new SseClient(s, Integer.parseInt(statusLine.split(" ")[1]), headers, in);
    }

    /** Sends {@code GET path} over a socket with a tiny receive buffer and never reads the answer. */
    static Socket openAndNeverRead(InetSocketAddress node, String path) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096); // before connecting, so the advertised window stays small
        s.connect(new InetSocketAddress("127.0.0.1", node.getPort()), 5000);
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    /** @return the body of a response with a Content-Length (an error answer) */
    String fullBody() throws IOException {
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] b = raw.readNBytes(length);
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * @param timeout how long to wait for the next event
     * @return the next event (comments and {@code retry:} lines before it are recorded)
     * @throws EOFException when the server ended the stream
     */
    Event next(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        String id = null;
        String type = null;
        StringBuilder data = null;
        while (true) {
            String l = line(body);
            if (l.isEmpty()) {
                if (data != null) {
                    return new Event(id, type == null ? "message" : type, data.toString());
                }
                continue; // a blank line after only comments or fields without data dispatches nothing
            }
            if (l.startsWith(":")) {
                comments.add(l.substring(1).trim());
                continue;
            }
            int colon = l.indexOf(':');
            String field = colon < 0 ? l : l.substring(0, colon);
            String value = colon < 0 ? "" : l.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> type = value;
                case "retry" -> retry = Long.parseLong(value);
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> { }
            }
        }
    }

    /** @return the first event matching, reading (and discarding) others until the deadline */
    Event await(Predicate<Event> wanted, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching event within " + timeout);
            }
            Event e = next(Duration.ofNanos(left));
            if (wanted.test(e)) {
                return e;
            }
        }
    }

    /** Reads until the server closes the stream (a read timeout fails). */
    void readToEnd(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        drain(body);
    }

    /** Reads until the other side closes (end of stream, or a reset); a read timeout is thrown. */
    static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        try {
            while (in.read(buf) >= 0) {
                // discard
            }
        } catch (EOFException | java.net.SocketException closed) {
            // closed mid-chunk, or reset: either way, closed
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("stream ended");
            }
            out.write(b);
        }
        String s = out.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Decodes {@code Transfer-Encoding: chunked}. */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                int semi = size.indexOf(';');
                left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            left -= n;
            if (left == 0) {
                line(in); // the CRLF after the chunk
            }
            return n;
        }
    }
}
