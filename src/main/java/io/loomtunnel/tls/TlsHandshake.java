package io.loomtunnel.tls;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsProtocol;
import org.bouncycastle.tls.TlsServerProtocol;

/** Runs a mutually authenticated TLS 1.3 handshake over a connected socket. */
public final class TlsHandshake {

    /** 64 KiB: BC reads each record as a 5-byte header and then its body, two reads per record. */
    static final int INPUT_BUFFER = 64 * 1024;

    /**
     * Sent by the server as its first application byte once it has accepted the client. In TLS 1.3
     * the client finishes before the server has checked the client's key, so without this the
     * client would learn that it was refused only at its first read.
     */
    static final int ACCEPTED = 0x01;

    private TlsHandshake() {}

    /**
     * Connects as the TLS client; on any failure the socket is closed.
     *
     * @param socket a connected socket
     * @param me this side's key
     * @param verifier which peer keys to accept
     * @param cfg backend and timeout
     * @return the channel
     * @throws IOException the handshake failed ({@link TlsHandshakeException}) or the peer was refused ({@link PeerRejectedException})
     */
    public static TlsChannel client(Socket socket, Identity me, PeerVerifier verifier, TlsConfig cfg)
            throws IOException {
        return handshake(socket, me, verifier, cfg, true, null, null);
    }

    /**
     * Accepts as the TLS server; the client must present a key too. On any failure the socket is closed.
     *
     * @param socket a connected socket
     * @param me this side's key
     * @param verifier which peer keys to accept
     * @param cfg backend and timeout
     * @return the channel
     * @throws IOException the handshake failed ({@link TlsHandshakeException}) or the peer was refused ({@link PeerRejectedException})
     */
    public static TlsChannel server(Socket socket, Identity me, PeerVerifier verifier, TlsConfig cfg)
            throws IOException {
        return handshake(socket, me, verifier, cfg, false, null, null);
    }

    /**
     * Accepts as the TLS server, like {@link #server(Socket, Identity, PeerVerifier, TlsConfig)},
     * and closes the connection early when the client says nothing: its first byte must arrive
     * within {@code firstByteTimeout} (and the whole handshake within the handshake timeout).
     *
     * @param socket a freshly accepted socket
     * @param me this side's key
     * @param verifier which peer keys to accept
     * @param cfg backend and timeout
     * @param firstByteTimeout how long the client may stay silent after connecting
     * @param onFirstByte runs on this thread as the client's first byte arrives (it must not block)
     * @return the channel
     * @throws IOException the handshake failed ({@link TlsHandshakeException}) or the peer was refused ({@link PeerRejectedException})
     */
    public static TlsChannel server(Socket socket, Identity me, PeerVerifier verifier, TlsConfig cfg,
                                    Duration firstByteTimeout, Runnable onFirstByte) throws IOException {
        return handshake(socket, me, verifier, cfg, false, firstByteTimeout, onFirstByte);
    }

    private static TlsChannel handshake(Socket socket, Identity me, PeerVerifier verifier, TlsConfig cfg,
                                        boolean client, Duration firstByteTimeout, Runnable onFirstByte)
            throws IOException {
        PeerAuth auth = new PeerAuth(cfg.backend(), me, verifier);
        DeadlineInput deadline = null;
        try {
            socket.setTcpNoDelay(true); // each application write is one send(); never wait to coalesce
            SocketOutput out = new SocketOutput(socket.getOutputStream());
            deadline = new DeadlineInput(socket, out);
            InputStream in = new BufferedInputStream(deadline, INPUT_BUFFER);
            deadline.arm(cfg.handshakeTimeout().toNanos());
            if (firstByteTimeout != null) {
                deadline.armFirstByte(firstByteTimeout.toNanos(), onFirstByte);
            }
            out.hold();
            TlsProtocol protocol;
            if (client) {
                TlsClientProtocol p = new TlsClientProtocol(in, out);
                p.connect(new ClientPeer(auth));
                awaitAcceptance(p);
                protocol = p;
            } else {
                TlsServerProtocol p = new TlsServerProtocol(in, out);
                p.accept(new ServerPeer(auth, out));
                p.writeApplicationData(new byte[] {ACCEPTED}, 0, 1);
                protocol = p;
            }
            out.release();
            deadline.disarm();
            return new TlsChannel(socket, protocol, out, auth);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            if (auth.rejection() != null) {
                throw auth.rejection();
            }
            if (deadline != null && deadline.silent() && causedBy(e, SocketTimeoutException.class)) {
                throw new TlsHandshakeException("TLS handshake with " + address(socket.getRemoteSocketAddress())
                        + " timed out: the peer sent nothing within " + human(firstByteTimeout), e);
            }
            boolean peerClosed = deadline != null && deadline.reachedEof();
            throw failure(socket, cfg.handshakeTimeout(), peerClosed, e);
        }
    }

    private static void awaitAcceptance(TlsClientProtocol protocol) throws IOException {
        byte[] b = new byte[1];
        if (protocol.readApplicationData(b, 0, 1) != 1) {
            throw new EOFException();
        }
        if (b[0] != ACCEPTED) {
            throw new IOException("peer sent " + (b[0] & 0xff) + " instead of the acceptance byte");
        }
    }

    /** One line saying what went wrong, instead of a trace through BC's internals. */
    private static TlsHandshakeException failure(
            Socket socket, Duration timeout, boolean peerClosed, Exception e) {
        String peer = "TLS handshake with " + address(socket.getRemoteSocketAddress());
        String reason;
        if (causedBy(e, SocketTimeoutException.class)) {
            return new TlsHandshakeException(peer + " timed out after " + human(timeout), e);
        } else if (e instanceof TlsFatalAlertReceived received) {
            short alert = received.getAlertDescription();
            reason = switch (alert) {
                case AlertDescription.access_denied, AlertDescription.bad_certificate,
                        AlertDescription.certificate_required, AlertDescription.unsupported_certificate,
                        AlertDescription.certificate_unknown ->
                        "peer rejected our identity (alert: " + AlertDescription.getName(alert) + ")";
                default -> "peer aborted the handshake (alert: " + AlertDescription.getName(alert) + ")";
            };
        } else if (peerClosed || causedBy(e, EOFException.class)) {
            reason = "peer closed the connection";
        } else if (e instanceof TlsFatalAlert sent) {
            reason = describe(sent) + " (sent alert: " + AlertDescription.getName(sent.getAlertDescription()) + ")";
        } else {
            reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return new TlsHandshakeException(peer + " failed: " + reason, e);
    }

    private static String describe(TlsFatalAlert alert) {
        return switch (alert.getAlertDescription()) {
            // What BC raises when the first bytes are not a TLS record or ClientHello/ServerHello.
            case AlertDescription.unexpected_message, AlertDescription.decode_error,
                    AlertDescription.record_overflow, AlertDescription.illegal_parameter ->
                    "peer does not speak TLS 1.3 as expected";
            case AlertDescription.protocol_version -> "peer does not support TLS 1.3";
            case AlertDescription.handshake_failure, AlertDescription.insufficient_security ->
                    "no common parameters (TLS 1.3, X25519, Ed25519, AEAD suites)";
            case AlertDescription.decrypt_error -> "peer's signature or Finished did not verify";
            default -> "protocol error";
        };
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
