package io.loomtunnel.p2p;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.mux.Datagram;
import io.loomtunnel.mux.MuxSession;
import io.loomtunnel.internal.tunnel.DatagramLink;
import io.loomtunnel.internal.tunnel.UdpEnvelope;
import io.loomtunnel.internal.tunnel.UdpIngress;
import io.loomtunnel.internal.wire.ProtocolException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The local UDP port of a connecting peer: each local sender is a flow whose datagrams go over the
 * attached session to the shared UDP service, and its replies come back to that sender.
 *
 * <p>Threads: the port's receive thread (its {@link UdpIngress}'s) and, for each attached session,
 * one of its own that takes the session's datagrams ({@code "loomtunnel connect udp :PORT: session
 * ID datagrams"}, which follows the session when it moves to another path); {@link #close} ends and joins them. No lock: the attached session is an atomic
 * reference, set before the session's dispatcher starts.
 */
final class UdpEntrance implements LocalEntrance, DatagramLink {
    static final Duration IDLE = Duration.ofSeconds(60);

    private final AtomicReference<PeerSession> current = new AtomicReference<>();
    private final AtomicInteger nextFlow = new AtomicInteger(1);
    private UdpIngress ingress;
    private OwnedThreads threads;

    private UdpEntrance() {}

    static UdpEntrance open(InetSocketAddress listen) throws IOException {
        UdpEntrance entrance = new UdpEntrance();
        entrance.ingress = UdpIngress.open(entrance, SharedService.UDP_ENVELOPE_ID, listen.getAddress(), listen.getPort(),
                IDLE, listen.getAddress().getHostAddress(), new TunnelCounters()); // the sessions count their own
        entrance.threads = new OwnedThreads("connect udp :" + entrance.ingress.localAddress().getPort());
        return entrance;
    }

    @Override
    public InetSocketAddress address() {
        return ingress.localAddress();
    }

    @Override
    public int newFlowId() {
        return nextFlow.getAndIncrement();
    }

    @Override
    public void sendDatagram(int flowId, byte[] buffer, int length) throws IOException {
        PeerSession session = current.get();
        if (session == null) {
            throw new IOException("no session"); // dropped and counted, like any datagram lost
        }
        session.mux().sendDatagram(flowId, buffer, 0, length);
        session.counters().datagramsIn().increment();
        session.counters().bytesIn().add(length - UdpEnvelope.HEADER);
    }

    @Override
    public void attach(PeerSession session) {
        current.set(session);
        threads.startIfOpen("session " + session.shortId() + " datagrams", () -> dispatch(session));
    }

    /** Hands the session's datagrams to the flows they belong to, until the session ends. */
    private void dispatch(PeerSession session) {
        while (true) {
            MuxSession mux = session.mux();
            try {
                while (true) {
                    Datagram d = mux.receiveDatagram(Duration.ZERO);
                    if (UdpEnvelope.tunnelId(d.payload()) == SharedService.UDP_ENVELOPE_ID) {
                        session.counters().datagramsOut().increment(); // brought back by the session (the port may still drop it)
                        session.counters().bytesOut().add(d.payload().length - UdpEnvelope.HEADER);
                        ingress.deliver(d.flowId(), d.payload());
                    }
                }
            } catch (ProtocolException e) {
                mux.close(e.code(), e.getMessage());
                return;
            } catch (IOException ended) {
                if (session.mux() == mux) {
                    return; // the session is over; a later one gets a dispatcher of its own
                }
            // the session moved to another path (its datagrams come from there now): follow it
            }
        }
    }

    @Override
    public void detach(PeerSession session) {
        current.compareAndSet(session, null);
    }

    /** Closes the port and joins its threads; a dispatcher still waiting for datagrams is interrupted. */
    @Override
    public void close() {
        ingress.close();
        threads.close();
    }
}
