package io.grapevine.testkit.internal;

import io.grapevine.testkit.Traffic;

/** Mutable per-address traffic counters; single-threaded, like the whole simulation. */
public final class TrafficCounter {
    long packetsSent;
    long packetBytesSent;
    long streamsSent;
    long streamBytesSent;
    long packetsReceived;
    long bytesReceived;
    long dropped;

    void sent(int bytes, boolean stream) {
        if (stream) {
            streamsSent++;
            streamBytesSent += bytes;
        } else {
            packetsSent++;
            packetBytesSent += bytes;
        }
    }

    void received(int bytes) {
        packetsReceived++;
        bytesReceived += bytes;
    }

    /** @return a snapshot */
    public Traffic snapshot() {
        return new Traffic(packetsSent, packetBytesSent, streamsSent, streamBytesSent, packetsReceived,
                bytesReceived, dropped);
    }
}
