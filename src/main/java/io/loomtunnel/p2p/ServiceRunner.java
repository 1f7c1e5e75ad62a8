package io.loomtunnel.p2p;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.metrics.Tally;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.tunnel.Splice;
import io.loomtunnel.internal.tunnel.UdpServiceFlows;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.tunnel.TunnelType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * The sharing side of one running session: each stream the peer opens becomes a connection to
 * the TCP service; for a UDP service, the session's datagrams go to it, one local socket per flow.
 */
final class ServiceRunner {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration UDP_IDLE = Duration.ofSeconds(120);

    private ServiceRunner() {}

    /** Serves until the session ends, on the calling thread; returns why it ended. */
    static String serve(PeerSession session, SharedService service, ShareEvents events) {
        if (service.type() == TunnelType.UDP) {
            UdpServiceFlows.Target target = new UdpServiceFlows.Target(service.target(), new TunnelCounters());
            UdpServiceFlows flows = new UdpServiceFlows(session.mux(),
                    id -> id == SharedService.UDP_ENVELOPE_ID ? target : null, UDP_IDLE);
            Thread.ofVirtual().name("p2p-" + session.shortId() + "-udp").start(flows::run);
        }
        try {
            while (true) {
                MuxStream stream = session.mux().accept();
                if (service.type() == TunnelType.TCP) {
                    Thread.ofVirtual().name("p2p-" + session.shortId() + "-stream-" + stream.id())
                            .start(() -> connect(stream, service, events));
                } else {
                    stream.reset(ErrorCode.REFUSED_STREAM); // a UDP service takes datagrams only
                }
            }
        } catch (IOException ended) {
            return ended.getMessage();
        }
    }

    private static void connect(MuxStream stream, SharedService service, ShareEvents events) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            InetSocketAddress target = service.target();
            socket.connect(new InetSocketAddress(target.getHostString(), target.getPort()), (int) CONNECT_TIMEOUT.toMillis());
        } catch (IOException e) {
            events.serviceUnreachable(service, e.getMessage());
            try {
                socket.close();
                stream.reset(ErrorCode.CANCEL);
            } catch (IOException ignored) {
                // the session is gone
            }
            return;
        }
        Splice.run(socket, stream, "p2p-" + service.name(), new Tally(), new Tally()); // peer-to-peer sessions have no meters yet
    }
}
