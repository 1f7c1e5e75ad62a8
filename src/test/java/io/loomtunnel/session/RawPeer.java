package io.loomtunnel.session;

import io.loomtunnel.Version;
import io.loomtunnel.internal.protocol.ControlCodec;
import io.loomtunnel.internal.protocol.Hello;
import io.loomtunnel.internal.protocol.Welcome;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerVerifier;
import io.loomtunnel.tls.TlsChannel;
import io.loomtunnel.tls.TlsConfig;
import io.loomtunnel.tls.TlsHandshake;
import io.loomtunnel.internal.wire.Frame;
import io.loomtunnel.internal.wire.FrameReader;
import io.loomtunnel.internal.wire.FrameWriter;
import io.loomtunnel.internal.wire.Preamble;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A hand-driven dialer for tests: real TLS, then whatever bytes or frames the test chooses, so a
 * test can break the protocol on purpose and watch the acceptor's answer.
 */
final class RawPeer implements AutoCloseable {
    final TlsChannel tls;
    final FrameWriter writer;
    final FrameReader reader;

    private RawPeer(TlsChannel tls) {
        this.tls = tls;
        this.writer = new FrameWriter(tls.output());
        this.reader = new FrameReader(tls.input());
    }

    /** TLS only: nothing of the loomtunnel protocol has been sent. */
    static RawPeer tlsOnly(InetSocketAddress address, Identity me, Identity server) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 10_000);
        socket.setSoTimeout(20_000);
        return new RawPeer(TlsHandshake.client(socket, me, PeerVerifier.pinned(server.id()), TlsConfig.defaults()));
    }

    /** TLS, preambles, hello with the token, and the welcome read: a session in all but the multiplexer. */
    static RawPeer established(InetSocketAddress address, Identity me, Identity server, String token) throws IOException {
        RawPeer p = tlsOnly(address, me, server);
        Preamble.write(p.tls.output());
        Preamble.read(p.tls.input());
        p.writer.write(Frame.control(ControlCodec.encode(new Hello(Version.SOFTWARE, token))));
        Frame welcome = p.reader.read();
        if (welcome == null || !(ControlCodec.decode(welcome.payload()) instanceof Welcome)) {
            throw new IOException("expected welcome, got " + welcome);
        }
        return p;
    }

    /** Reads frames until a GO_AWAY (returned) or the end of the connection (null). */
    Frame readUntilGoAway() throws IOException {
        Frame f;
        while ((f = reader.read()) != null) {
            if (f.type() == io.loomtunnel.internal.wire.FrameType.GO_AWAY) {
                return f;
            }
        }
        return null;
    }

    @Override
    public void close() {
        tls.close();
    }
}
