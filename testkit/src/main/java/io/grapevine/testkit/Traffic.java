package io.grapevine.testkit;

/**
 * What one simulated node put on and took off the simulated network (counted by the network,
 * across restarts of the node). A stream exchange counts one stream message for each side that
 * sends: the request for the initiator, the reply for the responder.
 *
 * @param packetsSent     datagrams sent (probes, acks, gossip)
 * @param packetBytesSent their bytes
 * @param streamsSent     stream messages sent (push/pull requests and replies, TCP pings)
 * @param streamBytesSent their bytes
 * @param received        datagrams and stream messages delivered to the node
 * @param bytesReceived   their bytes
 * @param dropped         datagrams from this node lost on the way (loss, partition, cut, dead or
 *                        paused-and-full destination)
 */
public record Traffic(long packetsSent, long packetBytesSent, long streamsSent, long streamBytesSent,
                      long received, long bytesReceived, long dropped) {

    /** Nothing sent or received. */
    public static final Traffic NONE = new Traffic(0, 0, 0, 0, 0, 0, 0);

    /** @return datagrams and stream messages sent */
    public long messagesSent() {
        return packetsSent + streamsSent;
    }

    /** @return bytes of datagrams and stream messages sent */
    public long bytesSent() {
        return packetBytesSent + streamBytesSent;
    }

    /**
     * @param other counters to add
     * @return the sum
     */
    public Traffic plus(Traffic other) {
        return new Traffic(packetsSent + other.packetsSent, packetBytesSent + other.packetBytesSent,
                streamsSent + other.streamsSent, streamBytesSent + other.streamBytesSent,
                received + other.received, bytesReceived + other.bytesReceived, dropped + other.dropped);
    }

    /**
     * @param other an earlier snapshot of the same counters
     * @return what happened since
     */
    public Traffic minus(Traffic other) {
        return new Traffic(packetsSent - other.packetsSent, packetBytesSent - other.packetBytesSent,
                streamsSent - other.streamsSent, streamBytesSent - other.streamBytesSent,
                received - other.received, bytesReceived - other.bytesReceived, dropped - other.dropped);
    }
}
