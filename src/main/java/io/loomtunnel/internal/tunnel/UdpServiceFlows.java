package io.loomtunnel.internal.tunnel;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.mux.Datagram;
import io.loomtunnel.mux.MuxSession;
import io.loomtunnel.internal.policy.PolicyChain;
import io.loomtunnel.internal.wire.ProtocolException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.IntFunction;

/**
 * The service side of UDP over a session: each flow (one remote sender at the far end, see
 * {@link UdpIngress}) gets its own local socket that talks to the service its envelope's tunnel id
 * names, so the service's replies come back on the right flow. The socket is not connected: the JDK
 * sends nothing for an empty datagram on a connected socket (it writes zero bytes), so a flow sends
 * to the service's address and takes replies from that address only, as connecting would. A flow whose socket hears nothing
 * for the idle timeout is closed. A reverse-tunnel client runs one; so does a peer-to-peer share side.
 * Datagrams are counted in their tunnel's counters: in to the service, out from it, dropped when
 * they cannot be passed on. At most {@link #MAX_FLOWS} flows are open at once: a new one beyond
 * closes the one that least recently had a datagram to pass on (the far side may churn senders
 * faster than flows go idle, and each flow holds a socket).
 *
 * <p>Threads: {@link #run} runs on the caller's thread and is the only taker of the session's
 * datagrams; each flow has a thread of its own, named after the thread that runs {@code run}
 * ({@code "<its name>: flow N"}), the only reader of its socket. When {@code run} returns, every
 * flow's socket is closed and its thread joined, so whoever owns the {@code run} thread owns them
 * too. {@code flows} is guarded by its own monitor (the run thread adds and touches, a flow's
 * thread removes its own); nothing blocks under it. {@code threads} is touched by the run thread only.
 */
public final class UdpServiceFlows {
    /** A flow whose local socket hears nothing from the service for this long is closed. */
    public static final Duration IDLE = Duration.ofSeconds(120);
    /** Flows open at once; a new one beyond closes the least recently used. */
    public static final int MAX_FLOWS = 2 * UdpIngress.DEFAULT_MAX_FLOWS;

    private final MuxSession mux;
    private final IntFunction<Target> targets;
    /** Open flows, least recently used first. */
    private final LinkedHashMap<Integer, Flow> flows = new LinkedHashMap<>(16, 0.75f, true);
    private OwnedThreads threads; // made by run(), named after its thread

    /** One flow's local socket and the service address it sends to and hears from. */
    private record Flow(DatagramSocket socket, InetSocketAddress service) {}

    /**
     * Where one tunnel's datagrams go (resolved again for each new flow), what counts them, and the
     * policies each datagram passes first (docs/PLUGINS.md: the client side's chain).
     */
    public record Target(InetSocketAddress service, TunnelCounters counters, String tunnel, PolicyChain policies) {
        /** A target without policies. */
        public Target(InetSocketAddress service, TunnelCounters counters) {
            this(service, counters, "", PolicyChain.EMPTY);
        }
    }

    /** @param targets by tunnel id, null for an id that is not (or no longer) one of ours; a live view */
    public UdpServiceFlows(MuxSession mux, IntFunction<Target> targets) {
        this.mux = mux;
        this.targets = targets;
    }

    /** Hands datagrams from the session to the services until the session ends. */
    public void run() {
        String runner = Thread.currentThread().getName();
        threads = new OwnedThreads(runner.startsWith(OwnedThreads.THREAD_NAME_PREFIX)
                ? runner.substring(OwnedThreads.THREAD_NAME_PREFIX.length()) : "udp service " + mux);
        try {
            while (true) {
                Datagram d = mux.receiveDatagram(Duration.ZERO);
                int tunnelId = UdpEnvelope.tunnelId(d.payload());
                Target target = targets.apply(tunnelId);
                if (target == null) {
                    continue; // not one of ours (any more)
                }
                if (!target.policies().isEmpty() && !target.policies().pass(new io.loomtunnel.plugin.Datagram(target.tunnel(), null,
                        ByteBuffer.wrap(d.payload(), UdpEnvelope.HEADER, d.payload().length - UdpEnvelope.HEADER).asReadOnlyBuffer()))) {
                    target.counters().datagramsDropped().increment();
                    continue;
                }
                Flow local = flow(d.flowId(), tunnelId, target);
                int length = d.payload().length - UdpEnvelope.HEADER;
                try {
                    if (local == null) {
                        throw new IOException("no local socket");
                    }
                    local.socket().send(new DatagramPacket(d.payload(), UdpEnvelope.HEADER, length, local.service()));
                    target.counters().datagramsIn().increment();
                    target.counters().bytesIn().add(length);
                } catch (IOException lost) {
                    target.counters().datagramsDropped().increment(); // like UDP: lost, not reported
                }
            }
        } catch (ProtocolException e) {
            mux.close(e.code(), e.getMessage());
        } catch (IOException sessionEnded) {
            // fall through: close every local socket
        } finally {
            synchronized (flows) {
                flows.values().forEach(f -> f.socket().close());
            }
            threads.close();
        }
    }

    /** The flow's socket, opened now if it has none (closing the least recently used beyond {@link #MAX_FLOWS}); null if it cannot be. */
    private Flow flow(int flowId, int tunnelId, Target target) {
        Flow eldest = null;
        synchronized (flows) {
            Flow f = flows.get(flowId);
            if (f != null) {
                return f;
            }
            if (flows.size() >= MAX_FLOWS) {
                Iterator<Flow> lru = flows.values().iterator();
                eldest = lru.next();
                lru.remove(); // its thread ends as it is closed
            }
        }
        if (eldest != null) {
            eldest.socket().close();
        }
        Flow f;
        try {
            InetSocketAddress service = HostPort.resolved(target.service());
            if (service.isUnresolved()) {
                return null;
            }
            f = new Flow(new DatagramSocket(), service);
            f.socket().setSoTimeout((int) IDLE.toMillis());
        } catch (IOException e) {
            return null;
        }
        synchronized (flows) {
            flows.put(flowId, f); // before its thread starts: the thread removes it when it ends
        }
        if (!threads.startIfOpen("flow " + flowId, () -> replies(flowId, tunnelId, f, target.counters()))) {
            synchronized (flows) {
                flows.remove(flowId, f);
            }
            f.socket().close();
            return null;
        }
        return f;
    }

    /** Sends the service's replies back on the flow until it goes quiet. */
    private void replies(int flowId, int tunnelId, Flow flow, TunnelCounters counters) {
        DatagramSocket s = flow.socket();
        byte[] buffer = new byte[UdpEnvelope.HEADER + UdpEnvelope.MAX_DATAGRAM];
        UdpEnvelope.stamp(buffer, tunnelId);
        DatagramPacket packet = new DatagramPacket(buffer, UdpEnvelope.HEADER, UdpEnvelope.MAX_DATAGRAM);
        try {
            while (true) {
                packet.setData(buffer, UdpEnvelope.HEADER, UdpEnvelope.MAX_DATAGRAM);
                s.receive(packet);
                if (!flow.service().equals(packet.getSocketAddress())) {
                    continue; // not from the service: a connected socket would not have taken it either
                }
                mux.sendDatagram(flowId, buffer, 0, UdpEnvelope.HEADER + packet.getLength());
                counters.datagramsOut().increment();
                counters.bytesOut().add(packet.getLength());
            }
        } catch (SocketTimeoutException | SocketException quietOrClosed) {
            // idle: forget the flow; a later datagram opens a new socket
        } catch (IOException e) {
            // the session is gone: the flow ends (unconnected, the socket hears no ICMP refusal; it idles out)
        } finally {
            synchronized (flows) {
                flows.remove(flowId, flow);
            }
            s.close();
        }
    }
}
