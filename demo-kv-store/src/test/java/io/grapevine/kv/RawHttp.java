package io.grapevine.kv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends raw bytes to a node and reads whatever comes back, to test what HTTP clients cannot send. */
final class RawHttp {
    private RawHttp() {
    }

    /** @return the response bytes as text (empty when the node just closed the connection) */
    static String exchange(InetSocketAddress to, byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", to.getPort()), 5000);
            s.setSoTimeout(5000);
            try {
                s.getOutputStream().write(request);
                s.getOutputStream().flush();
                s.shutdownOutput();
            } catch (IOException closedEarly) {
                // the node may answer and close before reading everything
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // whatever arrived is the answer
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    static String exchange(InetSocketAddress to, String request) throws IOException {
        return exchange(to, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** @return the status code of the first response in the text, or -1 */
    static int status(String response) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^HTTP/\\d\\.\\d (\\d{3}) ").matcher(response);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** @return the body of the first response (after the blank line) */
    static String body(String response) {
        int i = response.indexOf("\r\n\r\n");
        return i < 0 ? "" : response.substring(i + 4);
    }
}
