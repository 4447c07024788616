package io.grapevine.bench.peers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The line protocol our JVM member processes print on standard output, so the harness reads
 * Grapevine and ScaleCube members the same way: {@code PEER <observer> READY},
 * {@code PEER <observer> ALIVE <count>} (self included, printed when the count changes),
 * {@code PEER <observer> SUSPECT <member>} and {@code PEER <observer> FAILED <member>}. The
 * harness timestamps each line as it arrives, like serf's log lines, so all peers are timed by
 * one clock.
 */
final class PeerLines {
    static final String PREFIX = "PEER ";

    private PeerLines() {
    }

    static void ready(String observer) {
        System.out.println(PREFIX + observer + " READY");
    }

    static void alive(String observer, int count) {
        System.out.println(PREFIX + observer + " ALIVE " + count);
    }

    static void suspect(String observer, String member) {
        System.out.println(PREFIX + observer + " SUSPECT " + member);
    }

    static void failed(String observer, String member) {
        System.out.println(PREFIX + observer + " FAILED " + member);
    }

    /**
     * Blocks reading standard input until it ends. The harness holds our stdin open, so an ended
     * stdin means the harness is gone and the member must not linger; the protocol threads of
     * both libraries are daemons, so this is also what keeps the member process alive.
     */
    static void awaitEndOfInput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            while (in.readLine() != null) {
                // nothing to do: only the end of input matters
            }
        } catch (IOException e) {
            // treated as the end of input
        }
    }
}
