package io.loomtunnel.server;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.tunnel.DatagramLink;
import io.loomtunnel.internal.tunnel.UdpEnvelope;
import io.loomtunnel.internal.tunnel.UdpIngress;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.mux.Datagram;
import io.loomtunnel.session.Session;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client's UDP, both ways (docs/protocol/TUNNEL.md 8.3): the ingress of each UDP tunnel sends
 * its senders' datagrams to the client here, and one dispatcher thread, started with the first UDP
 * tunnel, hands each datagram from the client to the tunnel its envelope names.
 *
 * <p>Thread safety: no lock. {@code ingressById} is a concurrent map (written by the control
 * thread, read by the dispatcher); {@code started} makes the dispatcher start once; the
 * dispatcher's thread is owned by {@code threads}, ended and joined by {@link #close}.
 */
final class ClientDatagrams implements DatagramLink {
    private final Session session;
    private final OwnedThreads threads;
    private final Map<Integer, UdpIngress> ingressById = new ConcurrentHashMap<>();
    private final AtomicInteger nextFlowId = new AtomicInteger(1);
    private final AtomicBoolean started = new AtomicBoolean();

    /** @param number the server's number for the session, naming the dispatcher's thread */
    ClientDatagrams(Session session, String number) {
        this.session = session;
        this.threads = new OwnedThreads("server session " + number);
    }

    /** A UDP tunnel is open: its datagrams from the client go to {@code ingress}. */
    void add(int tunnelId, UdpIngress ingress) {
        ingressById.put(tunnelId, ingress);
        if (started.compareAndSet(false, true)) {
            threads.startIfOpen("udp dispatch", this::dispatch);
        }
    }

    void remove(int tunnelId) {
        ingressById.remove(tunnelId);
    }

    /** The session ended: the dispatcher ends with it; waits for it. */
    void close() {
        threads.close();
    }

    @Override
    public int newFlowId() {
        return nextFlowId.getAndIncrement();
    }

    @Override
    public void sendDatagram(int flowId, byte[] buffer, int length) throws IOException {
        session.mux().sendDatagram(flowId, buffer, 0, length);
    }

    /** Hands each datagram from the client to the tunnel its envelope names; the tunnel finds the flow. */
    private void dispatch() {
        try {
            while (true) {
                Datagram d = session.mux().receiveDatagram(Duration.ZERO);
                UdpIngress ingress = ingressById.get(UdpEnvelope.tunnelId(d.payload()));
                if (ingress != null) {
                    ingress.deliver(d.flowId(), d.payload());
                }
            }
        } catch (ProtocolException e) {
            session.mux().close(ErrorCode.PROTOCOL_ERROR, e.getMessage());
        } catch (IOException sessionEnded) {
            // the control loop tears the tunnels down
        }
    }
}
