package io.loomtunnel.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Vector;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsCredentialedSigner;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(60)
class TlsHandshakeTest {

    private static final int ECHO_BYTES = 1 << 20;
    private static final Identity SERVER = Identity.generate();
    private static final Identity CLIENT = Identity.generate();

    @ParameterizedTest
    @EnumSource(TlsBackend.class)
    void handshakeAuthenticatesBothSidesAndEchoesOneMebibyte(TlsBackend backend) throws Exception {
        TlsConfig cfg = new TlsConfig(backend, Duration.ofSeconds(10));
        try (Loopback net = new Loopback()) {
            AtomicReference<TlsChannel> serverSide = new AtomicReference<>();
            Future<Integer> server = net.serve(s -> {
                try (TlsChannel ch = TlsHandshake.server(s, SERVER, PeerVerifier.pinned(CLIENT.id()), cfg)) {
                    serverSide.set(ch);
                    return echo(ch);
                }
            });
            try (TlsChannel client = TlsHandshake.client(net.connect(), CLIENT, PeerVerifier.pinned(SERVER.id()), cfg)) {
                assertEquals(SERVER.id(), client.peerId());
                assertEquals(ProtocolVersion.TLSv13, client.protocolVersion());
                String suite = backend == TlsBackend.JCA ? "TLS_AES_256_GCM_SHA384" : "TLS_CHACHA20_POLY1305_SHA256";
                assertEquals(suite, client.cipherSuite());
                assertTrue(client.socket().getTcpNoDelay());
                assertEquals(0, client.socket().getSoTimeout(), "handshake timeout must not outlive the handshake");

                byte[] data = new byte[ECHO_BYTES];
                new Random(42).nextBytes(data);
                Future<Void> writer = net.background(() -> {
                    for (int off = 0; off < data.length; off += 65536) {
                        client.output().write(data, off, Math.min(65536, data.length - off));
                    }
                    return null;
                });
                byte[] back = client.input().readNBytes(data.length);
                writer.get(30, TimeUnit.SECONDS);
                assertArrayEquals(sha256(data), sha256(back));

                client.output().close(); // closing either stream closes the channel
                assertEquals(ECHO_BYTES, server.get(30, TimeUnit.SECONDS), "server echoed all, then saw a clean EOF");
                assertEquals(CLIENT.id(), serverSide.get().peerId());
                assertEquals(suite, serverSide.get().cipherSuite());
                assertEquals(ProtocolVersion.TLSv13, serverSide.get().protocolVersion());
                assertTrue(client.socket().isClosed());
            }
        }
    }

    @Test
    void serverCipherPreferenceWinsAcrossBackends() throws Exception {
        try (Loopback net = new Loopback()) {
            Future<String> server = net.serve(s -> {
                try (TlsChannel ch = TlsHandshake.server(s, SERVER, PeerVerifier.anyPeer(),
                        new TlsConfig(TlsBackend.JCA, Duration.ofSeconds(10)))) {
                    return ch.cipherSuite();
                }
            });
            // The BC client would rather have ChaCha20; the JCA server's AES-256-GCM wins.
            try (TlsChannel client = TlsHandshake.client(net.connect(), CLIENT, PeerVerifier.pinned(SERVER.id()),
                    new TlsConfig(TlsBackend.BC, Duration.ofSeconds(10)))) {
                assertEquals("TLS_AES_256_GCM_SHA384", client.cipherSuite());
                assertEquals("TLS_AES_256_GCM_SHA384", server.get(30, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void clientRefusesServerWithWrongId() throws Exception {
        PeerId other = Identity.generate().id();
        try (Loopback net = new Loopback()) {
            AtomicReference<Socket> accepted = new AtomicReference<>();
            Future<TlsChannel> server = net.serve(s -> {
                accepted.set(s);
                return TlsHandshake.server(s, SERVER, PeerVerifier.anyPeer(), TlsConfig.defaults());
            });
            Socket socket = net.connect();
            var e = assertThrows(PeerRejectedException.class,
                    () -> TlsHandshake.client(socket, CLIENT, PeerVerifier.pinned(other), TlsConfig.defaults()));
            assertEquals("peer id mismatch: expected " + other.abbreviated() + "…, got " + SERVER.id(), e.getMessage());
            assertTrue(socket.isClosed());

            IOException serverError = failureOf(server);
            assertInstanceOf(TlsHandshakeException.class, serverError);
            assertEquals("TLS handshake with " + address(accepted.get())
                    + " failed: peer rejected our identity (alert: access_denied)", serverError.getMessage());
            assertTrue(accepted.get().isClosed());
        }
    }

    @Test
    void serverRefusesClientNotAllowed() throws Exception {
        try (Loopback net = new Loopback()) {
            AtomicReference<Socket> accepted = new AtomicReference<>();
            Future<TlsChannel> server = net.serve(s -> {
                accepted.set(s);
                return TlsHandshake.server(s, SERVER, PeerVerifier.allowed(List.of(SERVER.id())), TlsConfig.defaults());
            });
            Socket socket = net.connect();
            var e = assertThrows(TlsHandshakeException.class,
                    () -> TlsHandshake.client(socket, CLIENT, PeerVerifier.pinned(SERVER.id()), TlsConfig.defaults()));
            assertEquals("TLS handshake with " + address(socket)
                    + " failed: peer rejected our identity (alert: access_denied)", e.getMessage());
            assertTrue(socket.isClosed());

            IOException serverError = failureOf(server);
            assertInstanceOf(PeerRejectedException.class, serverError);
            assertEquals("peer id " + CLIENT.id() + " is not among the 1 allowed ids", serverError.getMessage());
            assertTrue(accepted.get().isClosed());
        }
    }

    @Test
    void silentServerTimesOut() throws Exception {
        try (Loopback net = new Loopback()) {
            Future<Integer> server = net.serve(s -> {
                try (s) {
                    return s.getInputStream().readAllBytes().length; // never answers; reads until the client gives up
                }
            });
            Socket socket = net.connect();
            long start = System.nanoTime();
            var e = assertThrows(TlsHandshakeException.class, () -> TlsHandshake.client(socket, CLIENT,
                    PeerVerifier.anyPeer(), new TlsConfig(TlsBackend.DEFAULT, Duration.ofMillis(500))));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("TLS handshake with " + address(socket) + " timed out after 500ms", e.getMessage());
            assertTrue(elapsedMillis >= 400 && elapsedMillis < 10_000, "took " + elapsedMillis + " ms");
            assertTrue(socket.isClosed());
            assertTrue(server.get(10, TimeUnit.SECONDS) > 0, "server saw a ClientHello, then the client's close");
        }
    }

    @Test
    void garbageInsteadOfClientHelloFailsCleanly() throws Exception {
        try (Loopback net = new Loopback()) {
            AtomicReference<Socket> accepted = new AtomicReference<>();
            Future<TlsChannel> server = net.serve(s -> {
                accepted.set(s);
                return TlsHandshake.server(s, SERVER, PeerVerifier.anyPeer(), TlsConfig.defaults());
            });
            try (Socket plain = net.connect()) {
                plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                IOException e = failureOf(server);
                assertInstanceOf(TlsHandshakeException.class, e);
                assertEquals("TLS handshake with " + address(accepted.get())
                        + " failed: peer does not speak TLS 1.3 as expected (sent alert: unexpected_message)", e.getMessage());
                assertTrue(accepted.get().isClosed());
                assertFalse(e.getMessage().contains("org.bouncycastle"));
            }
        }
    }

    @Test
    void peerClosingMidHandshakeIsReportedAsSuch() throws Exception {
        try (Loopback net = new Loopback()) {
            Future<Integer> server = net.serve(s -> {
                try (s) {
                    return s.getInputStream().read(new byte[4096]); // takes the ClientHello, then hangs up
                }
            });
            Socket socket = net.connect();
            var e = assertThrows(TlsHandshakeException.class,
                    () -> TlsHandshake.client(socket, CLIENT, PeerVerifier.anyPeer(), TlsConfig.defaults()));
            assertEquals("TLS handshake with " + address(socket) + " failed: peer closed the connection", e.getMessage());
            assertTrue(server.get(10, TimeUnit.SECONDS) > 0);
            assertTrue(socket.isClosed());
        }
    }

    @Test
    void closeFromAnotherThreadWakesBlockedReader() throws Exception {
        try (Loopback net = new Loopback()) {
            Future<Integer> server = net.serve(s -> {
                try (TlsChannel ch = TlsHandshake.server(s, SERVER, PeerVerifier.anyPeer(), TlsConfig.defaults())) {
                    return ch.input().read(); // peer's close_notify
                }
            });
            TlsChannel client = TlsHandshake.client(net.connect(), CLIENT, PeerVerifier.pinned(SERVER.id()),
                    TlsConfig.defaults());
            Future<Integer> reader = net.background(() -> client.input().read());
            Thread.sleep(200); // let the reader block
            client.close();
            client.close(); // idempotent
            // The reader wakes with EOF (the server answered our close_notify) or an IOException (socket closed).
            try {
                assertEquals(-1, reader.get(10, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                assertInstanceOf(IOException.class, e.getCause());
            }
            assertEquals(-1, server.get(10, TimeUnit.SECONDS), "server saw close_notify as end of stream");
            assertThrows(IOException.class, () -> client.output().write(1));
        }
    }

    @Test
    void closeFromAnotherThreadWakesWriterBlockedOnPeerThatDoesNotRead() throws Exception {
        try (Loopback net = new Loopback()) {
            Future<TlsChannel> server = net.serve(s -> TlsHandshake.server(s, SERVER, PeerVerifier.anyPeer(),
                    TlsConfig.defaults())); // handshakes, then never reads
            TlsChannel client = TlsHandshake.client(net.connect(), CLIENT, PeerVerifier.pinned(SERVER.id()),
                    TlsConfig.defaults());
            try (TlsChannel serverSide = server.get(10, TimeUnit.SECONDS)) {
                assertEquals(CLIENT.id(), serverSide.peerId());
                byte[] chunk = new byte[65536];
                Future<Void> writer = net.background(() -> {
                    while (true) { // until the socket buffers fill and write blocks, then close breaks it
                        client.output().write(chunk);
                    }
                });
                Thread.sleep(500);
                assertFalse(writer.isDone(), "writer should be blocked on the full socket");
                client.close();
                ExecutionException e = assertThrows(ExecutionException.class, () -> writer.get(10, TimeUnit.SECONDS));
                assertInstanceOf(IOException.class, e.getCause());
                assertTrue(client.socket().isClosed());
            }
        }
    }

    /**
     * A client that shows the server's expected certificate but can only sign with its own key:
     * BC must check CertificateVerify against the certificate's key, so pinning cannot be fooled
     * by replaying someone's public certificate.
     */
    @Test
    void certificateOfAnotherKeyIsRefused() throws Exception {
        Identity victim = Identity.generate();
        Identity impostor = Identity.generate();
        try (Loopback net = new Loopback()) {
            Future<TlsChannel> server = net.serve(s ->
                    TlsHandshake.server(s, SERVER, PeerVerifier.pinned(victim.id()), TlsConfig.defaults()));
            try (Socket socket = net.connect()) {
                TlsClientProtocol protocol = new TlsClientProtocol(socket.getInputStream(), socket.getOutputStream());
                // TLS 1.3: the client is done before the server has checked it; the refusal comes after.
                protocol.connect(new StolenCertificateClient(victim, impostor));
                assertThrows(IOException.class, () -> protocol.getInputStream().read());
            }
            IOException e = failureOf(server);
            assertInstanceOf(TlsHandshakeException.class, e);
            assertTrue(e.getMessage().endsWith("failed: peer's signature or Finished did not verify (sent alert: decrypt_error)"),
                    e.getMessage());
        }
    }

    /** Presents {@code shown}'s certificate but signs CertificateVerify with {@code signer}'s key. */
    private static final class StolenCertificateClient extends DefaultTlsClient {
        private final Identity shown;
        private final Identity signer;

        StolenCertificateClient(Identity shown, Identity signer) {
            super(TlsBackend.JCA.crypto());
            this.shown = shown;
            this.signer = signer;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return PeerAuth.versions();
        }

        @Override
        @SuppressWarnings("rawtypes")
        protected Vector getSupportedSignatureAlgorithms() {
            return PeerAuth.signatureAlgorithms();
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) {}

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    TlsCrypto crypto = context.getCrypto();
                    Certificate stolen = new Certificate(request.getCertificateRequestContext(), new CertificateEntry[] {
                            new CertificateEntry(crypto.createCertificate(shown.certificate()), null)});
                    return new DefaultTlsCredentialedSigner(new TlsCryptoParameters(context),
                            TlsBackend.JCA.signer(crypto, signer), stolen, SignatureAndHashAlgorithm.ed25519);
                }
            };
        }
    }

    /** Reads until EOF, writing everything back; returns the byte count. */
    private static int echo(TlsChannel ch) throws IOException {
        InputStream in = ch.input();
        OutputStream out = ch.output();
        byte[] buf = new byte[65536];
        int total = 0;
        for (int n; (n = in.read(buf)) > 0; total += n) {
            out.write(buf, 0, n);
        }
        return total;
    }

    private static IOException failureOf(Future<?> task) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> task.get(30, TimeUnit.SECONDS));
        return assertInstanceOf(IOException.class, e.getCause());
    }

    private static String address(Socket s) {
        return TlsHandshake.address(s.getRemoteSocketAddress());
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
