package io.loomtunnel.internal.tunnel;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.mux.Datagram;
import io.loomtunnel.mux.MuxSession;
import io.loomtunnel.internal.wire.ProtocolException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * The service side of UDP over a session: each flow (one remote sender at the far end, see
 * {@link UdpIngress}) gets its own local socket connected to the service its envelope's tunnel id
 * names, so the service's replies come back on the right flow. A flow whose socket hears nothing
 * for the idle timeout is closed. A reverse-tunnel client runs one; so does a peer-to-peer share side.
 * Datagrams are counted in their tunnel's counters: in to the service, out from it, dropped when
 * they cannot be passed on.
 *
 * <p>Threads: {@link #run} runs on the caller's thread and is the only taker of the session's
 * datagrams; each flow has a thread of its own, named after the thread that runs {@code run}
 * ({@code "<its name>: flow N"}), the only reader of its socket. When {@code run} returns, every
 * flow's socket is closed and its thread joined, so whoever owns the {@code run} thread owns them
 * too. No lock: {@code flows} is a concurrent map; {@code threads} is touched by the run thread only.
 */
public final class UdpServiceFlows {
    /** A flow whose local socket hears nothing from the service for this long is closed. */
    public static final Duration IDLE = Duration.ofSeconds(120);

    private final MuxSession mux;
    private final IntFunction<Target> targets;
    private final Map<Integer, DatagramSocket> flows = new ConcurrentHashMap<>();
    private OwnedThreads threads; // made by run(), named after its thread

    /** Where one tunnel's datagrams go (resolved again for each new flow), and what counts them. */
    public record Target(InetSocketAddress service, TunnelCounters counters) {}

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
                DatagramSocket local = flows.computeIfAbsent(d.flowId(), id -> open(id, tunnelId, target));
                int length = d.payload().length - UdpEnvelope.HEADER;
                try {
                    if (local == null) {
                        throw new IOException("no local socket");
                    }
                    local.send(new DatagramPacket(d.payload(), UdpEnvelope.HEADER, length));
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
            flows.values().forEach(DatagramSocket::close);
            threads.close();
        }
    }

    private DatagramSocket open(int flowId, int tunnelId, Target target) {
        try {
            DatagramSocket s = new DatagramSocket();
            s.connect(HostPort.resolved(target.service()));
            s.setSoTimeout((int) IDLE.toMillis());
            if (!threads.startIfOpen("flow " + flowId, () -> replies(flowId, tunnelId, s, target.counters()))) {
                s.close();
                return null;
            }
            return s;
        } catch (IOException e) {
            return null;
        }
    }

    /** Sends the service's replies back on the flow until it goes quiet. */
    private void replies(int flowId, int tunnelId, DatagramSocket s, TunnelCounters counters) {
        byte[] buffer = new byte[UdpEnvelope.HEADER + UdpEnvelope.MAX_DATAGRAM];
        UdpEnvelope.stamp(buffer, tunnelId);
        DatagramPacket packet = new DatagramPacket(buffer, UdpEnvelope.HEADER, UdpEnvelope.MAX_DATAGRAM);
        try {
            while (true) {
                packet.setData(buffer, UdpEnvelope.HEADER, UdpEnvelope.MAX_DATAGRAM);
                s.receive(packet);
                mux.sendDatagram(flowId, buffer, 0, UdpEnvelope.HEADER + packet.getLength());
                counters.datagramsOut().increment();
                counters.bytesOut().add(packet.getLength());
            }
        } catch (SocketTimeoutException | SocketException quietOrClosed) {
            // idle: forget the flow; a later datagram opens a new socket
        } catch (IOException e) {
            // the session is gone, or the service refused (ICMP): the flow ends
        } finally {
            flows.remove(flowId, s);
            s.close();
        }
    }
}
