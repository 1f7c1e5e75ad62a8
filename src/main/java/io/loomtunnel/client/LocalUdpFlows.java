package io.loomtunnel.client;

import io.loomtunnel.metrics.TunnelCounters;
import io.loomtunnel.mux.Datagram;
import io.loomtunnel.mux.MuxSession;
import io.loomtunnel.tunnel.UdpEnvelope;
import io.loomtunnel.wire.ProtocolException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client's side of UDP tunnels: each flow (one remote sender on the server) gets its own
 * local socket connected to the service, so the service's replies come back on the right flow.
 * A flow whose socket hears nothing for the idle timeout is closed. Datagrams are counted in
 * their tunnel's counters: in to the service, out from it, dropped when they cannot be passed on.
 */
final class LocalUdpFlows {
    private final MuxSession mux;
    private final ClientTunnels tunnels;
    private final Duration idle;
    private final Map<Integer, DatagramSocket> flows = new ConcurrentHashMap<>();

    LocalUdpFlows(MuxSession mux, ClientTunnels tunnels, Duration idle) {
        this.mux = mux;
        this.tunnels = tunnels;
        this.idle = idle;
    }

    /** Hands datagrams from the server to local services until the session ends. */
    void run() {
        try {
            while (true) {
                Datagram d = mux.receiveDatagram(Duration.ZERO);
                PublicTunnel tunnel = tunnels.udpById().get(UdpEnvelope.tunnelId(d.payload()));
                if (tunnel == null) {
                    continue; // not one of ours (any more)
                }
                TunnelCounters counters = tunnels.counters(tunnel.spec());
                DatagramSocket local = flows.computeIfAbsent(d.flowId(), id -> open(id, tunnel, counters));
                int length = d.payload().length - UdpEnvelope.HEADER;
                try {
                    if (local == null) {
                        throw new IOException("no local socket");
                    }
                    local.send(new DatagramPacket(d.payload(), UdpEnvelope.HEADER, length));
                    counters.datagramsIn().increment();
                    counters.bytesIn().add(length);
                } catch (IOException lost) {
                    counters.datagramsDropped().increment(); // like UDP: lost, not reported
                }
            }
        } catch (ProtocolException e) {
            mux.close(e.code(), e.getMessage());
        } catch (IOException sessionEnded) {
            // fall through: close every local socket
        } finally {
            flows.values().forEach(DatagramSocket::close);
        }
    }

    private DatagramSocket open(int flowId, PublicTunnel tunnel, TunnelCounters counters) {
        try {
            DatagramSocket s = new DatagramSocket();
            s.connect(new InetSocketAddress(tunnel.spec().localHost(), tunnel.spec().localPort()));
            s.setSoTimeout((int) idle.toMillis());
            Thread.ofVirtual().name("udp-flow-" + flowId).start(() -> replies(flowId, tunnel.tunnelId(), s, counters));
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
