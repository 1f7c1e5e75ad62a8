package io.loomtunnel.internal.tunnel;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.metrics.TunnelCounters;
import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A UDP port whose senders are carried over a session: each remote sender becomes an association
 * with a flow id; its datagrams go over the {@link DatagramLink} tagged with that flow id, and
 * replies on that flow go back to that sender. Associations idle longer than the timeout are
 * forgotten. A server's UDP tunnel port is one; so is a peer-to-peer connect side's local UDP port.
 *
 * <p>Threads: one of its own, {@code "loomtunnel udp :PORT: receive"}, the only reader of the
 * socket; {@link #close} closes the socket, which wakes it, and joins it. Replies come on the
 * session's datagram dispatcher ({@link #deliver}).
 *
 * <p>Locking: {@code this} guards the two flow maps; the receive loop and the datagram dispatcher
 * of the session both use them. Nothing blocks under it (datagrams are sent after it is
 * released) and no other lock is taken under it. A flow's {@code lastActive} is volatile: both
 * threads stamp it without the lock.
 */
public final class UdpIngress implements Closeable {
    /** Associations one tunnel keeps at once; datagrams from further senders are dropped and counted. */
    private static final int MAX_FLOWS = 4096;

    private final DatagramSocket socket;
    private final DatagramLink link;
    private final int tunnelId;
    private final long idleNanos;
    private final String address;
    private final Map<SocketAddress, Flow> bySender = new HashMap<>();
    private final Map<Integer, Flow> byId = new HashMap<>();
    private final TunnelCounters counters;
    private final OwnedThreads threads;

    /** One remote sender. */
    private static final class Flow {
        final int id;
        final SocketAddress sender;
        volatile long lastActive = System.nanoTime();

        Flow(int id, SocketAddress sender) {
            this.id = id;
            this.sender = sender;
        }
    }

    private UdpIngress(DatagramSocket socket, DatagramLink link, int tunnelId, Duration idle, String address,
                       TunnelCounters counters) {
        this.counters = counters;
        this.socket = socket;
        this.link = link;
        this.tunnelId = tunnelId;
        this.idleNanos = idle.toNanos();
        this.address = address;
        this.threads = new OwnedThreads("udp :" + socket.getLocalPort());
    }

    /** Binds {@code bindHost:port} (0: any free port) and starts receiving; {@code publicHost} names it in {@link #address()}. */
    public static UdpIngress open(DatagramLink link, int tunnelId, InetAddress bindHost, int port, Duration idle, String publicHost,
                                  TunnelCounters counters) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(bindHost, port));
        // Wake up now and then to forget idle senders even when no datagram arrives.
        socket.setSoTimeout((int) Math.max(100, Math.min(1_000, idle.toMillis())));
        UdpIngress ingress = new UdpIngress(socket, link, tunnelId, idle, publicHost + ":" + socket.getLocalPort(), counters);
        ingress.threads.start("receive", ingress::receiveLoop);
        return ingress;
    }

    private void receiveLoop() {
        byte[] buffer = new byte[UdpEnvelope.HEADER + UdpEnvelope.MAX_DATAGRAM];
        DatagramPacket packet = new DatagramPacket(buffer, UdpEnvelope.HEADER, UdpEnvelope.MAX_DATAGRAM);
        UdpEnvelope.stamp(buffer, tunnelId);
        while (!socket.isClosed()) {
            try {
                packet.setData(buffer, UdpEnvelope.HEADER, UdpEnvelope.MAX_DATAGRAM);
                socket.receive(packet);
                Flow flow = flowFor(packet.getSocketAddress());
                if (flow == null) {
                    counters.datagramsDropped().increment();
                    continue;
                }
                flow.lastActive = System.nanoTime();
                link.sendDatagram(flow.id, buffer, UdpEnvelope.HEADER + packet.getLength());
                counters.datagramsIn().increment();
                counters.bytesIn().add(packet.getLength());
            } catch (SocketTimeoutException idle) {
                forgetIdle();
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                counters.datagramsDropped().increment(); // the session is going; this datagram is lost, like UDP
            }
        }
    }

    /** A reply from the far side of the session on one of this port's flows. */
    public void deliver(int flowId, byte[] payload) {
        Flow flow;
        synchronized (this) {
            flow = byId.get(flowId);
        }
        if (flow == null) {
            counters.datagramsDropped().increment(); // expired meanwhile
            return;
        }
        flow.lastActive = System.nanoTime();
        try {
            socket.send(new DatagramPacket(payload, UdpEnvelope.HEADER, payload.length - UdpEnvelope.HEADER, flow.sender));
            counters.datagramsOut().increment();
            counters.bytesOut().add(payload.length - UdpEnvelope.HEADER);
        } catch (IOException e) {
            counters.datagramsDropped().increment();
        }
    }

    private synchronized Flow flowFor(SocketAddress sender) {
        Flow flow = bySender.get(sender);
        if (flow == null) {
            if (bySender.size() >= MAX_FLOWS) {
                return null;
            }
            flow = new Flow(link.newFlowId(), sender);
            bySender.put(sender, flow);
            byId.put(flow.id, flow);
        }
        return flow;
    }

    private synchronized void forgetIdle() {
        long now = System.nanoTime();
        for (Iterator<Flow> it = bySender.values().iterator(); it.hasNext(); ) {
            Flow f = it.next();
            if (now - f.lastActive > idleNanos) {
                it.remove();
                byId.remove(f.id);
            }
        }
    }

    /** The tunnel id its datagrams carry in their envelope. */
    public int id() {
        return tunnelId;
    }

    /** Datagrams lost here: too many senders, expired flows, a session that went away. */
    public long dropped() {
        return counters.datagramsDropped().get();
    }

    /** Where the socket is bound. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** {@code publicHost:port}. */
    public String address() {
        return address;
    }

    /** Closes the port and joins its receive thread within {@link OwnedThreads#DEFAULT_GRACE}. */
    @Override
    public void close() {
        socket.close();
        threads.close();
    }
}
