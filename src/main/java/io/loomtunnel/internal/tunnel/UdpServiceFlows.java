package io.loomtunnel.internal.tunnel;

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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * The service side of UDP over a session: each flow (one remote sender at the far end, see
 * {@link UdpIngress}) gets its own local socket connected to the service its envelope's tunnel id
 * names, so the service's replies come back on the right flow. A flow whose socket hears nothing
 * for the idle timeout is closed. A reverse-tunnel client runs one; so does a peer-to-peer share side.
 * Datagrams are counted in their tunnel's counters: in to the service, out from it, dropped when
 * they cannot be passed on. Each flow's reply thread is named after the thread that runs
 * {@link #run} and joined before it returns, so whoever owns that thread owns them too.
 *
 * <p>Thread safety: no lock. {@code flows} and {@code replyThreads} are concurrent: only the
 * {@link #run} thread adds to them, each reply thread removes its own entry when it ends.
 */
public final class UdpServiceFlows {
    /** A flow whose local socket hears nothing from the service for this long is closed. */
    public static final Duration IDLE = Duration.ofSeconds(120);
    /** How long the end of {@link #run} waits for each reply thread (its socket is closed: it ends at once). */
    private static final Duration FLOW_END = Duration.ofSeconds(5);

    private final MuxSession mux;
    private final IntFunction<Target> targets;
    private final Map<Integer, DatagramSocket> flows = new ConcurrentHashMap<>();
    private final Set<Thread> replyThreads = ConcurrentHashMap.newKeySet();

    /** Where one tunnel's datagrams go (resolved again for each new flow), and what counts them. */
    public record Target(InetSocketAddress service, TunnelCounters counters) {}

    /** @param targets by tunnel id, null for an id that is not (or no longer) one of ours; a live view */
    public UdpServiceFlows(MuxSession mux, IntFunction<Target> targets) {
        this.mux = mux;
        this.targets = targets;
    }

    /** Hands datagrams from the session to the services until the session ends. */
    public void run() {
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
            endFlows();
        }
    }

    /** Closes every flow's socket, which wakes its reply thread, and joins them. */
    private void endFlows() {
        flows.values().forEach(DatagramSocket::close);
        boolean interrupted = Thread.interrupted(); // an interrupt (the owner closing) must not skip the joins
        for (Thread t : replyThreads) {
            try {
                t.join(FLOW_END);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private DatagramSocket open(int flowId, int tunnelId, Target target) {
        try {
            DatagramSocket s = new DatagramSocket();
            s.connect(HostPort.resolved(target.service()));
            s.setSoTimeout((int) IDLE.toMillis());
            Thread reply = Thread.ofVirtual().name(Thread.currentThread().getName() + " flow " + flowId)
                    .unstarted(() -> replies(flowId, tunnelId, s, target.counters()));
            replyThreads.add(reply); // before it starts, so its own removal at the end always finds it
            reply.start();
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
            replyThreads.remove(Thread.currentThread());
        }
    }
}
