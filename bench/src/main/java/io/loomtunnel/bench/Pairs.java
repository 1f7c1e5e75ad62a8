package io.loomtunnel.bench;

import io.loomtunnel.internal.net.MemoryConnection;
import io.loomtunnel.mux.MuxConfig;
import io.loomtunnel.mux.MuxSession;
import io.loomtunnel.session.Session;
import io.loomtunnel.session.SessionAcceptor;
import io.loomtunnel.session.SessionDialer;
import io.loomtunnel.session.SessionListener;
import io.loomtunnel.session.SessionOptions;
import io.loomtunnel.session.TokenCheck;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerVerifier;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Builds two connected MuxSessions (dialer and acceptor) over memory, loopback TCP or loopback TLS. */
final class Pairs {
    /** Same as SessionSetup's input buffer, so the tcp transport differs from tls only by TLS. */
    static final int TCP_INPUT_BUFFER = 128 * 1024;
    static final int MEMORY_CAPACITY = 1 << 20;
    private static final String TOKEN = "bench-token";

    private Pairs() {}

    /** Both ends of one session; close() closes both and whatever carries them. */
    record MuxPair(MuxSession dialer, MuxSession acceptor, Closeable extra) implements Closeable {
        @Override
        public void close() throws IOException {
            dialer.close();
            acceptor.close();
            if (extra != null) {
                extra.close();
            }
        }
    }

    static MuxPair open(String transport, MuxConfig config) throws IOException, InterruptedException {
        return switch (transport) {
            case "memory" -> memory(config);
            case "tcp" -> tcp(config);
            case "tls" -> tls(SessionOptions.defaults().withMux(config));
            default -> throw new IllegalArgumentException("unknown transport " + transport);
        };
    }

    static MuxPair memory(MuxConfig config) {
        MemoryConnection.End[] ends = MemoryConnection.pair(MEMORY_CAPACITY);
        MuxSession d = MuxSession.start(ends[0].input(), ends[0].output(), ends[0], MuxSession.Role.DIALER,
                config, "bench-memory-d");
        MuxSession a = MuxSession.start(ends[1].input(), ends[1].output(), ends[1], MuxSession.Role.ACCEPTOR,
                config, "bench-memory-a");
        return new MuxPair(d, a, null);
    }

    static MuxPair tcp(MuxConfig config) throws IOException {
        Socket[] sockets = loopbackSockets();
        MuxSession d = start(sockets[0], MuxSession.Role.DIALER, config, "bench-tcp-d");
        MuxSession a = start(sockets[1], MuxSession.Role.ACCEPTOR, config, "bench-tcp-a");
        return new MuxPair(d, a, null);
    }

    private static MuxSession start(Socket s, MuxSession.Role role, MuxConfig config, String name) throws IOException {
        return MuxSession.start(new BufferedInputStream(s.getInputStream(), TCP_INPUT_BUFFER), s.getOutputStream(),
                s, role, config, name);
    }

    /** A full session (TLS 1.3, preambles, hello) through SessionListener and SessionDialer. */
    static MuxPair tls(SessionOptions options) throws IOException, InterruptedException {
        Identity serverKey = Identity.generate();
        Identity clientKey = Identity.generate();
        LinkedBlockingQueue<Session> accepted = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<IOException> failures = new LinkedBlockingQueue<>();
        SessionAcceptor acceptor = new SessionAcceptor(serverKey, PeerVerifier.anyPeer(),
                TokenCheck.of(List.of(TOKEN)), options);
        SessionListener listener = SessionListener.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), acceptor, accepted::add, failures::add);
        try {
            Session dialed = new SessionDialer(clientKey, PeerVerifier.pinned(serverKey.id()), TOKEN, options)
                    .dial(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.port()));
            Session server = accepted.poll(20, TimeUnit.SECONDS);
            if (server == null) {
                dialed.close();
                throw new IOException("no TLS session accepted; failures: " + failures);
            }
            return new MuxPair(dialed.mux(), server.mux(), listener);
        } catch (IOException | InterruptedException | RuntimeException e) {
            listener.close();
            throw e;
        }
    }

    /** A connected pair of plain TCP sockets on 127.0.0.1 with TCP_NODELAY: [client, server]. */
    static Socket[] loopbackSockets() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
            Socket client = new Socket();
            client.setTcpNoDelay(true);
            client.connect(new InetSocketAddress(loopback, server.getLocalPort()), 10_000);
            server.setSoTimeout(10_000);
            Socket accepted = server.accept();
            accepted.setTcpNoDelay(true);
            return new Socket[] {client, accepted};
        }
    }
}
