package io.loomtunnel.p2p;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.internal.tunnel.LocalService;
import io.loomtunnel.tunnel.TunnelType;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.metrics.Tally;
import io.loomtunnel.internal.tunnel.Splice;
import io.loomtunnel.internal.tunnel.UdpServiceFlows;
import java.io.IOException;

/**
 * The sharing side of one running session: each stream the peer opens becomes a connection to
 * the TCP service; for a UDP service, the session's datagrams go to it, one local socket per flow.
 */
final class ServiceRunner {
    private ServiceRunner() {}

    /**
     * Serves until the session ends, on the calling thread; returns why it ended. Each stream's
     * connection (and a UDP service's datagrams) runs on a thread of {@code threads}, the share's.
     */
    static String serve(PeerSession session, SharedService service, ShareEvents events, OwnedThreads threads) {
        String name = "session " + session.shortId();
        if (service.type() == TunnelType.UDP) {
            UdpServiceFlows.Target target = new UdpServiceFlows.Target(service.target(), session.counters());
            UdpServiceFlows flows = new UdpServiceFlows(session.mux(),
                    id -> id == SharedService.UDP_ENVELOPE_ID ? target : null);
            threads.startIfOpen(name + " udp", flows::run);
        }
        try {
            while (true) {
                MuxStream stream = session.mux().accept();
                if (service.type() == TunnelType.TCP) {
                    if (!threads.startIfOpen(name + " stream " + stream.id(), () -> connect(session, stream, service, events))) {
                        stream.reset(ErrorCode.CANCEL); // the share is closing
                    }
                } else {
                    stream.reset(ErrorCode.REFUSED_STREAM); // a UDP service takes datagrams only
                }
            }
        } catch (IOException ended) {
            return ended.getMessage();
        }
    }

    private static void connect(PeerSession session, MuxStream stream, SharedService service, ShareEvents events) {
        LocalService.splice(stream, service.target(), session.counters(),
                e -> events.serviceUnreachable(service, e.getMessage()));
    }
}
