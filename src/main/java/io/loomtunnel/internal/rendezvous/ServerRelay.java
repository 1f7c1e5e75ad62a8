package io.loomtunnel.internal.rendezvous;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.path.RelayDialer;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.mux.StreamSocket;
import io.loomtunnel.internal.protocol.RelayPreface;
import io.loomtunnel.internal.protocol.RelayRefused;
import io.loomtunnel.internal.protocol.RelayReply;
import io.loomtunnel.internal.protocol.RelayRole;
import io.loomtunnel.session.Session;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A relay on a server session: each relayed connection is one stream, opened with a relay preface
 * naming the session and our role; once the server says both peers are there, the stream carries
 * the peers' own TLS session (docs/protocol/P2P.md 9.6).
 */
final class ServerRelay implements RelayDialer {
    /** How long the server may take to join the other peer: its own wait (10 s) plus room. */
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

    /** What a relayed connection's opening and closing mean for the session that carries it. */
    interface Hooks {
        void opened();

        void closed();

        Hooks NONE = new Hooks() {
            @Override
            public void opened() {}

            @Override
            public void closed() {}
        };
    }

    private final Supplier<Session> carrier;
    private final String via;
    private final Hooks hooks;

    /** @param carrier the server session now, or null while there is none */
    ServerRelay(Supplier<Session> carrier, String via, Hooks hooks) {
        this.carrier = carrier;
        this.via = via;
        this.hooks = hooks;
    }

    @Override
    public Socket open(String session, RelayRole role) throws IOException {
        Session server = carrier.get();
        if (server == null || server.mux().isClosed()) {
            throw new IOException("no session to the server " + via + " to relay through");
        }
        MuxStream stream = server.mux().open(OPEN_TIMEOUT);
        try {
            RelayPreface.of(session, role).writeTo(stream.output());
            stream.setReadTimeout(REPLY_TIMEOUT);
            RelayReply reply = RelayReply.readFrom(stream.input());
            if (reply instanceof RelayRefused refused) {
                throw new IOException("the server refused to relay: " + refused.reason());
            }
            stream.setReadTimeout(Duration.ZERO);
            hooks.opened();
            return StreamSocket.of(stream, (InetSocketAddress) server.remoteAddress(), hooks::closed);
        } catch (IOException | RuntimeException e) {
            try {
                stream.reset(ErrorCode.CANCEL);
            } catch (IOException gone) {
                // the session is gone, and the stream with it
            }
            throw e;
        }
    }

    @Override
    public String via() {
        return via;
    }
}
