package io.loomtunnel.internal.tunnel;

import java.io.IOException;

/** Where a {@link UdpIngress} sends its senders' datagrams: a session, as one side of UDP tunnels holds it. */
public interface DatagramLink {
    /** A flow id unique within the session, for a new UDP association. */
    int newFlowId();

    /** Sends {@code length} bytes of {@code buffer} (envelope and payload) as a datagram on {@code flowId}. */
    void sendDatagram(int flowId, byte[] buffer, int length) throws IOException;
}
