package io.loomtunnel.internal.tunnel;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.limits.Sources;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.policy.PolicyChain;
import io.loomtunnel.plugin.Datagram;
import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A UDP port whose senders are carried over a session: each remote sender becomes an association
 * with a flow id; its datagrams go over the {@link DatagramLink} tagged with that flow id, and
 * replies on that flow go back to that sender. Associations idle longer than the timeout are
 * forgotten. The table is bounded but never closed to a new sender: beyond {@code maxFlows} a new
 * sender takes the place of the least recently active one, and beyond {@code maxFlowsPerSource}
 * senders of one source ({@link Sources}) a new port of that source takes the place of the
 * source's own least recently active one, so one source churning ports only recycles its own. A
 * server's UDP tunnel port is one; so is a peer-to-peer connect side's local UDP port.
 *
 * <p>Threads: one of its own, {@code "loomtunnel udp :PORT: receive"}, the only reader of the
 * socket; {@link #close} closes the socket, which wakes it, and joins it. Replies come on the
 * session's datagram dispatcher ({@link #deliver}).
 *
 * <p>Locking: {@code this} guards the flow maps and each flow's {@code lastActive}; the receive
 * loop and the datagram dispatcher of the session both use them. Nothing blocks under it
 * (datagrams are sent after it is released) and no other lock is taken under it.
 */
public final class UdpIngress implements Closeable {
    /** Senders one port keeps by default. */
    public static final int DEFAULT_MAX_FLOWS = 4096;
    /** Senders of one source one port keeps by default. */
    public static final int DEFAULT_MAX_FLOWS_PER_SOURCE = 256;

    /**
     * How long a sender is kept without traffic, and how many are kept.
     *
     * @param maxFlows senders kept at once; a new one beyond takes the least recently active one's place
     * @param maxFlowsPerSource senders of one source kept at once; beyond, the source's own least recently active goes
     */
    public record Limits(Duration idle, int maxFlows, int maxFlowsPerSource) {
        /** {@code idle} with the default counts. */
        public static Limits of(Duration idle) {
            return new Limits(idle, DEFAULT_MAX_FLOWS, DEFAULT_MAX_FLOWS_PER_SOURCE);
        }
    }

    private final DatagramSocket socket;
    private final DatagramLink link;
    private final int tunnelId;
    private final Limits limits;
    private final long idleNanos;
    private final String address;
    /** Every flow, least recently active first. */
    private final LinkedHashMap<SocketAddress, Flow> bySender = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Integer, Flow> byId = new HashMap<>();
    /** Each source's flows, least recently active first. */
    private final Map<String, LinkedHashMap<SocketAddress, Flow>> bySource = new HashMap<>();
    private final TunnelCounters counters;
    private final OwnedThreads threads;
    private final String tunnel;
    private final PolicyChain policies;

    /** One remote sender. */
    private static final class Flow {
        final int id;
        final SocketAddress sender;
        final String source;
        long lastActive = System.nanoTime();

        Flow(int id, SocketAddress sender, String source) {
            this.id = id;
            this.sender = sender;
            this.source = source;
        }
    }

    private UdpIngress(DatagramSocket socket, DatagramLink link, int tunnelId, Limits limits, String address,
                       TunnelCounters counters, String tunnel, PolicyChain policies) {
        this.counters = counters;
        this.tunnel = tunnel;
        this.policies = policies;
        this.socket = socket;
        this.link = link;
        this.tunnelId = tunnelId;
        this.limits = limits;
        this.idleNanos = limits.idle().toNanos();
        this.address = address;
        this.threads = new OwnedThreads("udp :" + socket.getLocalPort());
    }

    /** Like {@link #open(DatagramLink, int, InetAddress, int, Limits, String, TunnelCounters)} with the default counts. */
    public static UdpIngress open(DatagramLink link, int tunnelId, InetAddress bindHost, int port, Duration idle, String publicHost,
                                  TunnelCounters counters) throws IOException {
        return open(link, tunnelId, bindHost, port, Limits.of(idle), publicHost, counters);
    }

    /** Like {@link #open(DatagramLink, int, InetAddress, int, Limits, String, TunnelCounters, String, PolicyChain)} without policies. */
    public static UdpIngress open(DatagramLink link, int tunnelId, InetAddress bindHost, int port, Limits limits, String publicHost,
                                  TunnelCounters counters) throws IOException {
        return open(link, tunnelId, bindHost, port, limits, publicHost, counters, "", PolicyChain.EMPTY);
    }

    /**
     * Binds {@code bindHost:port} (0: any free port) and starts receiving; {@code publicHost} names it in {@link #address()}.
     * Each datagram passes the tunnel's {@code policies} (on the receive thread) before it crosses the tunnel.
     */
    public static UdpIngress open(DatagramLink link, int tunnelId, InetAddress bindHost, int port, Limits limits, String publicHost,
                                  TunnelCounters counters, String tunnel, PolicyChain policies) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(bindHost, port));
        // Wake up now and then to forget idle senders even when no datagram arrives.
        socket.setSoTimeout((int) Math.max(100, Math.min(1_000, limits.idle().toMillis())));
        UdpIngress ingress = new UdpIngress(socket, link, tunnelId, limits, publicHost + ":" + socket.getLocalPort(), counters,
                tunnel, policies);
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
                if (!policies.isEmpty() && !policies.pass(new Datagram(tunnel, (InetSocketAddress) packet.getSocketAddress(),
                        ByteBuffer.wrap(buffer, UdpEnvelope.HEADER, packet.getLength()).asReadOnlyBuffer()))) {
                    counters.datagramsDropped().increment();
                    continue;
                }
                Flow flow = flowFor(packet.getSocketAddress());
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
            if (flow != null) {
                touch(flow);
            }
        }
        if (flow == null) {
            counters.datagramsDropped().increment(); // expired or replaced meanwhile
            return;
        }
        try {
            socket.send(new DatagramPacket(payload, UdpEnvelope.HEADER, payload.length - UdpEnvelope.HEADER, flow.sender));
            counters.datagramsOut().increment();
            counters.bytesOut().add(payload.length - UdpEnvelope.HEADER);
        } catch (IOException e) {
            counters.datagramsDropped().increment();
        }
    }

    /** The sender's flow, made now if it has none (in place of the least recently active one when full). */
    private synchronized Flow flowFor(SocketAddress sender) {
        Flow flow = bySender.get(sender);
        if (flow != null) {
            touch(flow);
            return flow;
        }
        String source = Sources.of(((InetSocketAddress) sender).getAddress());
        LinkedHashMap<SocketAddress, Flow> ofSource = bySource.get(source);
        if (ofSource != null && ofSource.size() >= limits.maxFlowsPerSource()) {
            forget(ofSource.values().iterator().next()); // the source's own least recently active
        } else if (bySender.size() >= limits.maxFlows()) {
            forget(bySender.values().iterator().next()); // the least recently active of all
        }
        flow = new Flow(link.newFlowId(), sender, source);
        bySender.put(sender, flow);
        byId.put(flow.id, flow);
        bySource.computeIfAbsent(source, s -> new LinkedHashMap<>(16, 0.75f, true)).put(sender, flow);
        return flow;
    }

    /** The flow is active now: it moves to the end of both orders. Called holding the lock. */
    private void touch(Flow flow) {
        flow.lastActive = System.nanoTime();
        bySender.get(flow.sender);
        bySource.get(flow.source).get(flow.sender);
    }

    /** Called holding the lock. */
    private void forget(Flow flow) {
        bySender.remove(flow.sender);
        byId.remove(flow.id);
        LinkedHashMap<SocketAddress, Flow> ofSource = bySource.get(flow.source);
        ofSource.remove(flow.sender);
        if (ofSource.isEmpty()) {
            bySource.remove(flow.source);
        }
    }

    /** Forgets the flows idle longer than the timeout: they are the first in activity order. */
    private synchronized void forgetIdle() {
        long now = System.nanoTime();
        while (!bySender.isEmpty()) {
            Flow oldest = bySender.values().iterator().next();
            if (now - oldest.lastActive <= idleNanos) {
                return;
            }
            forget(oldest);
        }
    }

    /** Senders kept now. */
    public synchronized int flowCount() {
        return bySender.size();
    }

    /** The tunnel id its datagrams carry in their envelope. */
    public int id() {
        return tunnelId;
    }

    /** Datagrams lost here: replies to forgotten senders, a session that went away. */
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
