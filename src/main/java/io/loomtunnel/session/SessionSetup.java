package io.loomtunnel.session;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.Version;
import io.loomtunnel.mux.MuxSession;
import io.loomtunnel.tls.TlsChannel;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.internal.protocol.ControlCodec;
import io.loomtunnel.internal.protocol.ControlMessage;
import io.loomtunnel.internal.protocol.Greeting;
import io.loomtunnel.internal.protocol.Hello;
import io.loomtunnel.internal.protocol.MessageType;
import io.loomtunnel.internal.protocol.Welcome;
import io.loomtunnel.internal.wire.Frame;
import io.loomtunnel.internal.wire.FrameReader;
import io.loomtunnel.internal.wire.FrameType;
import io.loomtunnel.internal.wire.FrameWriter;
import io.loomtunnel.internal.wire.Preamble;
import io.loomtunnel.internal.wire.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * What both sides do between the TLS handshake and the first stream (docs/protocol/SESSION.md 1.1, 1.2):
 * exchange preambles, then hello and welcome, all within the handshake timeout. A failure sends
 * the GO_AWAY the spec asks for and closes the connection; nothing is left open.
 */
final class SessionSetup {
    private final TlsChannel tls;
    private final SessionOptions options;
    private final InputStream in;
    private final OutputStream out;
    private final FrameWriter writer;

    SessionSetup(TlsChannel tls, SessionOptions options) {
        this.tls = tls;
        this.options = options;
        this.in = tls.input(); // BC queues decrypted records already: another buffer would only copy
        this.out = tls.output();
        this.writer = new FrameWriter(out);
    }

    /** The dialer's part: preambles, send hello, expect welcome. */
    Session asDialer(String token) throws IOException {
        return run(MuxSession.Role.DIALER, () -> {
            writer.write(Frame.control(ControlCodec.encode(new Hello(Version.SOFTWARE, token))));
            Frame answer = new FrameReader(in).read();
            if (answer == null) {
                throw new IOException("server closed the connection before answering hello");
            }
            if (answer.type() == FrameType.GO_AWAY) {
                String reason = answer.reason().isEmpty() ? answer.errorCode().name() : answer.reason();
                if (answer.errorCode() == ErrorCode.AUTH_FAILED) {
                    throw new AuthenticationException("server " + tls.peerId().abbreviated() + " refused authentication: " + reason);
                }
                throw new ProtocolException(answer.errorCode(), "server refused the session: " + reason);
            }
            return new Exchanged(expect(answer, Welcome.class).software(), "server");
        });
    }

    /** The acceptor's part: preambles, expect hello, authenticate it, send welcome. */
    Session asAcceptor(Authenticator authenticator) throws IOException {
        return run(MuxSession.Role.ACCEPTOR, () -> {
            Frame first = new FrameReader(in).read();
            if (first == null) {
                throw new IOException("peer closed the connection before sending hello");
            }
            Hello hello = expect(first, Hello.class);
            String principal;
            try {
                principal = authenticator.authenticate(tls.peerId(), hello.token());
            } catch (AuthenticationException e) {
                refuse(ErrorCode.AUTH_FAILED, e.getMessage());
                throw new AuthenticationException("peer " + tls.peerId().abbreviated() + " at "
                        + tls.socket().getRemoteSocketAddress() + " refused: " + e.getMessage(), e.reason());
            }
            writer.write(Frame.control(ControlCodec.encode(new Welcome(Version.SOFTWARE))));
            return new Exchanged(hello.software(), principal);
        });
    }

    /** What the hello/welcome exchange established. */
    private record Exchanged(String peerSoftware, String principal) {}

    /** The hello/welcome step of one side. */
    private interface Exchange {
        Exchanged run() throws IOException;
    }

    private Session run(MuxSession.Role role, Exchange exchange) throws IOException {
        Socket socket = tls.socket();
        try {
            socket.setSoTimeout(timeoutMillis(options.tls().handshakeTimeout()));
            Preamble.write(out);
            try {
                Preamble.read(in);
            } catch (ProtocolException e) {
                // A wrong magic means no loomtunnel endpoint is listening: say nothing, close.
                if (e.code() == ErrorCode.UNSUPPORTED_VERSION) {
                    refuse(e.code(), "this endpoint speaks protocol version " + Preamble.VERSION);
                }
                tls.close();
                throw e;
            }
            Exchanged exchanged = exchange.run();
            socket.setSoTimeout(0);
            // as people write addresses (HostPort.text), not "/127.0.0.1:32857": the name reaches messages
            String name = tls.peerId().abbreviated() + "@" + (socket.getRemoteSocketAddress() instanceof InetSocketAddress a
                    ? HostPort.text(a) : String.valueOf(socket.getRemoteSocketAddress()));
            MuxSession mux = MuxSession.start(in, out, tls, role, options.mux(), name);
            return new Session(mux, tls.peerId(), exchanged.peerSoftware(), exchanged.principal(), tls.cipherSuite(),
                    socket.getRemoteSocketAddress());
        } catch (java.net.SocketTimeoutException e) {
            tls.close();
            throw new java.net.SocketTimeoutException("session set-up with " + socket.getRemoteSocketAddress()
                    + " timed out after " + options.tls().handshakeTimeout().toMillis() + " ms");
        } catch (ProtocolException e) {
            if (e.code() == ErrorCode.PROTOCOL_ERROR) {
                refuse(e.code(), e.getMessage());
            }
            tls.close();
            throw e;
        } catch (IOException | RuntimeException e) {
            tls.close();
            throw e;
        }
    }

    private static <T extends Greeting> T expect(Frame frame, Class<T> greeting) throws ProtocolException {
        String type = MessageType.of(greeting).tag();
        if (frame.type() != FrameType.CONTROL) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "expected a \"" + type + "\" control message, got " + frame);
        }
        ControlMessage m = ControlCodec.decode(frame.payload());
        if (!greeting.isInstance(m)) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "expected a \"" + type + "\" control message, got \"" + m.type() + "\"");
        }
        return greeting.cast(m);
    }

    /** Best effort: the peer may already be gone, and we close right after anyway. */
    private void refuse(ErrorCode code, String reason) {
        try {
            writer.write(Frame.goAway(code, reason));
        } catch (IOException ignored) {
            // nothing more to tell a peer that cannot hear
        }
    }

    private static int timeoutMillis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
