package io.loomtunnel.internal.https;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.http.HttpIngress;
import io.loomtunnel.internal.http.HttpIngressConfig;
import io.loomtunnel.internal.http.HttpRoute;
import io.loomtunnel.internal.http.HttpRouter;
import io.loomtunnel.internal.http.Upstream;
import io.loomtunnel.internal.tunnel.Probes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.ASN1OctetString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS listener over real loopback sockets, with the test certificates of
 * src/test/resources/io/loomtunnel/internal/https (README.md there): the certificate chosen by SNI,
 * reloads, TLS versions, HSTS and X-Forwarded-Proto, passthrough, ACME TLS-ALPN-01 answers, and the
 * HTTP listener's redirect.
 */
@Timeout(60)
class HttpsFrontTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final BigInteger WEB = BigInteger.valueOf(101);
    private static final BigInteger WEB_RENEWED = BigInteger.valueOf(102);
    private static final BigInteger WILD = BigInteger.valueOf(201);
    private static final BigInteger SERVICE = BigInteger.valueOf(301);
    /** id-pe-acmeIdentifier (RFC 8737 6.1). */
    private static final String ACME_IDENTIFIER = "1.3.6.1.5.5.7.1.31";

    @TempDir
    Path dir;
    private final List<AutoCloseable> running = new ArrayList<>();
    private CertificateStore store;
    private final AcmeChallenges challenges = new AcmeChallenges();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : running.reversed()) {
            c.close();
        }
    }

    @Test
    void serverNameChoosesTheCertificateExactThenWildcardThenTheDefault() throws Exception {
        HttpsFront front = front(false, null, Map.of(), Map.of());
        assertEquals(WEB, serial(front, "web.localhost"));
        assertEquals(WILD, serial(front, "a.wild.test"));
        assertEquals(WEB, serial(front, "b.c.wild.test"), "a wildcard covers one label only: the default");
        assertEquals(WEB, serial(front, "unknown.example"));
        assertEquals(WEB, serial(front, null), "no server name: the default");
    }

    @Test
    void requestsGetXForwardedProtoHttpsAndResponsesHsts() throws Exception {
        HttpsFront front = front(false, "max-age=600", Map.of("web.localhost", headEchoApp()), Map.of());
        try (SSLSocket s = connect(front, "web.localhost", "TLSv1.3")) {
            String response = exchange(s, "GET /x HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.contains("\r\nStrict-Transport-Security: max-age=600\r\n"), response);
            assertTrue(response.contains("X-Forwarded-Proto: https"), response);
            assertEquals("TLSv1.3", s.getSession().getProtocol());
        }
    }

    @Test
    void changedPemFilesAreReloadedBrokenOnesKeepTheOldCertificateAndOpenConnectionsGoOn() throws Exception {
        HttpsFront front = front(false, null, Map.of("web.localhost", headEchoApp()), Map.of());
        try (SSLSocket before = connect(front, "web.localhost", "TLSv1.3")) {
            assertEquals(WEB, leaf(before).getSerialNumber());
            copy("web2.pem", "web.pem");
            copy("web2.key", "web.key");
            Probes.eventually(Duration.ofSeconds(20), "the renewed certificate is served", () -> WEB_RENEWED.equals(serial(front, "web.localhost")));
            assertTrue(exchange(before, "GET / HTTP/1.1\r\nHost: web.localhost\r\n\r\n").startsWith("HTTP/1.1 200"),
                    "a connection opened before the reload still works");
        }
        Files.writeString(dir.resolve("web.pem"), "-----BEGIN CERTIFICATE-----\nhalf written");
        store.refresh();
        assertEquals(WEB_RENEWED, serial(front, "web.localhost"), "a file that does not load keeps the old certificate");
    }

    @Test
    void tls12OnlyWhenAllowed() throws Exception {
        HttpsFront strict = front(false, null, Map.of(), Map.of());
        assertThrows(IOException.class, () -> connect(strict, "web.localhost", "TLSv1.2").close());
        HttpsFront lenient = front(true, null, Map.of(), Map.of());
        try (SSLSocket s = connect(lenient, "web.localhost", "TLSv1.2")) {
            assertEquals("TLSv1.2", s.getSession().getProtocol());
        }
    }

    @Test
    void passthroughSplicesTheTlsConnectionToTheServiceWhichHoldsItsOwnKey() throws Exception {
        InetSocketAddress service = tlsEchoService();
        HttpsFront front = front(false, null, Map.of(), Map.of("secret.localhost", service));
        try (SSLSocket s = connect(front, "secret.localhost", "TLSv1.3")) {
            assertEquals(SERVICE, leaf(s).getSerialNumber(), "the service's certificate, which the listener does not have");
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            byte[] echo = s.getInputStream().readNBytes(5);
            assertEquals("ping\n", new String(echo, StandardCharsets.US_ASCII));
        }
        assertEquals(WEB, serial(front, "web.localhost"), "other names are still terminated here");
    }

    @Test
    void acmeTlsHandshakesOfANameUnderValidationGetItsChallengeCertificateAndNothingElse() throws Exception {
        HttpsFront front = front(false, null, Map.of(), Map.of("secret.localhost", tlsEchoService()));
        byte[] validation = MessageDigest.getInstance("SHA-256").digest("token.thumbprint".getBytes(StandardCharsets.US_ASCII));
        challenges.putTlsAlpn01("alpn.test", validation);
        try (SSLSocket s = handshake(front, "alpn.test", AcmeChallenges.ACME_TLS)) {
            assertEquals(AcmeChallenges.ACME_TLS, s.getApplicationProtocol());
            X509Certificate leaf = leaf(s);
            assertEquals(List.of(List.of(2, "alpn.test")), List.copyOf(leaf.getSubjectAlternativeNames()), "the name, only");
            assertTrue(leaf.getCriticalExtensionOIDs().contains(ACME_IDENTIFIER), "RFC 8737 3: critical acmeIdentifier");
            byte[] value = ASN1OctetString.getInstance(ASN1OctetString.getInstance(leaf.getExtensionValue(ACME_IDENTIFIER)).getOctets()).getOctets();
            assertArrayEquals(validation, value, "the extension holds the SHA-256 of the key authorization");
            leaf.verify(leaf.getPublicKey()); // self-signed
            assertEquals(-1, s.getInputStream().read(), "no application data: closed after the handshake");
        }
        assertThrows(IOException.class, () -> handshake(front, "other.test", AcmeChallenges.ACME_TLS).close(), "no challenge for that name");
        assertThrows(IOException.class, () -> handshake(front, null, AcmeChallenges.ACME_TLS).close(), "no name");
        assertEquals(WEB, serial(front, "alpn.test"), "without acme-tls/1: the certificates served (here the default)");
        try (SSLSocket s = handshake(front, "alpn.test", "http/1.1", AcmeChallenges.ACME_TLS)) {
            assertEquals(WEB, leaf(s).getSerialNumber(), "acme-tls/1 among other protocols is no validation (RFC 8737 3)");
            assertEquals("http/1.1", s.getApplicationProtocol());
        }
        try (SSLSocket s = handshake(front, "secret.localhost", AcmeChallenges.ACME_TLS)) {
            assertEquals(SERVICE, leaf(s).getSerialNumber(), "a passthrough name's acme-tls/1 goes to its service");
        }
        challenges.removeTlsAlpn01("alpn.test");
        assertThrows(IOException.class, () -> handshake(front, "alpn.test", AcmeChallenges.ACME_TLS).close(), "validation over");
    }

    @Test
    void plainBytesOnTheHttpsPortAreClosedUnanswered() throws Exception {
        HttpsFront front = front(false, null, Map.of(), Map.of());
        try (Socket s = new Socket(LOOPBACK, front.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: web.localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            int first;
            try {
                first = s.getInputStream().read();
            } catch (SocketException reset) {
                first = -1;
            }
            assertEquals(-1, first);
        }
    }

    @Test
    void httpListenerRedirectsHostsServedOverHttpsOnly() throws Exception {
        InetSocketAddress app = headEchoApp();
        InetSocketAddress service = tlsEchoService();
        HttpsFront front = front(false, null, Map.of("web.localhost", app, "plain.localhost", app),
                Map.of("secret.localhost", service));
        Routes routes = new Routes(Map.of("web.localhost", app, "plain.localhost", app), Map.of("secret.localhost", service));
        HttpIngress http = HttpIngress.start(new InetSocketAddress(LOOPBACK, 0),
                new HttpsRedirects(routes, routes, store::covers, 308, () -> 8443, new AcmeChallenges()), HttpIngressConfig.defaults());
        running.add(http);
        String web = plainExchange(http.port(), "GET /a?b=1 HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
        assertTrue(web.startsWith("HTTP/1.1 308 Permanent Redirect\r\n"), web);
        assertTrue(web.contains("\r\nLocation: https://web.localhost:8443/a?b=1\r\n"), web);
        String secret = plainExchange(http.port(), "GET / HTTP/1.1\r\nHost: secret.localhost\r\n\r\n");
        assertTrue(secret.contains("\r\nLocation: https://secret.localhost:8443/\r\n"), secret);
        String plain = plainExchange(http.port(), "GET / HTTP/1.1\r\nHost: plain.localhost\r\n\r\n");
        assertTrue(plain.startsWith("HTTP/1.1 200") && plain.contains("X-Forwarded-Proto: http\r\n"), "no certificate: served over HTTP\n" + plain);
        String unknown = plainExchange(http.port(), "GET / HTTP/1.1\r\nHost: nobody.wild.test\r\n\r\n");
        assertTrue(unknown.startsWith("HTTP/1.1 404"), "no tunnel: 404, not a redirect\n" + unknown);
    }

    // ---- fixtures

    private HttpsFront front(boolean tls12, String hsts, Map<String, InetSocketAddress> apps,
            Map<String, InetSocketAddress> passthrough) throws Exception {
        if (store == null) {
            for (String f : List.of("web.pem", "web.key", "web2.pem", "web2.key", "wild.pem", "wild.key")) {
                copy(f, f);
            }
            store = new CertificateStore(List.of(new CertificateFiles(dir.resolve("web.pem"), dir.resolve("web.key")),
                    new CertificateFiles(dir.resolve("wild.pem"), dir.resolve("wild.key"))));
        }
        Routes routes = new Routes(apps, passthrough);
        HttpsFront front = HttpsFront.start(new InetSocketAddress(LOOPBACK, 0), tls12, hsts, HttpIngressConfig.defaults(), store,
                routes, routes, challenges);
        running.add(front);
        return front;
    }

    private void copy(String resource, String as) throws IOException {
        try (InputStream in = HttpsFrontTest.class.getResourceAsStream(resource)) {
            Path tmp = dir.resolve(as + ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, dir.resolve(as), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Routes to loopback apps by host, and passthrough names to loopback TLS services. */
    private record Routes(Map<String, InetSocketAddress> apps, Map<String, InetSocketAddress> tls) implements HttpRouter, PassthroughRouter {
        @Override
        public HttpRoute route(String host) {
            InetSocketAddress a = apps.get(host);
            return a == null ? null : route(host, a);
        }

        @Override
        public HttpRoute passthrough(String serverName) {
            InetSocketAddress a = tls.get(serverName);
            return a == null ? null : route(serverName, a);
        }

        private static HttpRoute route(String name, InetSocketAddress to) {
            return new HttpRoute() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public Upstream open() throws IOException {
                    return new LoopbackUpstream(to);
                }
            };
        }
    }

    /** An upstream over a loopback socket. */
    private static final class LoopbackUpstream implements Upstream {
        private final Socket socket = new Socket();

        LoopbackUpstream(InetSocketAddress to) throws IOException {
            socket.connect(to, 5_000);
        }

        @Override
        public InputStream input() {
            try {
                return socket.getInputStream();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public OutputStream output() {
            try {
                return socket.getOutputStream();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        @Override
        public void setReadTimeout(Duration timeout) {
            try {
                socket.setSoTimeout((int) timeout.toMillis());
            } catch (SocketException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** An app that answers each request (one per connection) with its head as the body. */
    private InetSocketAddress headEchoApp() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
        running.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            String head = readHead(s.getInputStream());
                            byte[] body = head.getBytes(StandardCharsets.ISO_8859_1);
                            s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
                                    .getBytes(StandardCharsets.ISO_8859_1));
                            s.getOutputStream().write(body);
                        } catch (IOException e) {
                            // the test sees it
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return new InetSocketAddress(LOOPBACK, server.getLocalPort());
    }

    /** A TLS service with its own certificate (secret.localhost) that echoes what it gets. */
    private InetSocketAddress tlsEchoService() throws Exception {
        Path cert = dir.resolve("service.pem");
        Path key = dir.resolve("service.key");
        copy("service.pem", "service.pem");
        copy("service.key", "service.key");
        CertifiedKey c = PemFiles.load(cert, key);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("service", c.key(), new char[0], c.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, LOOPBACK);
        running.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException e) {
                            // the test sees it
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return new InetSocketAddress(LOOPBACK, server.getLocalPort());
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            b.append((char) c);
            if (b.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        return b.toString();
    }

    private static String exchange(Socket s, String request) throws IOException {
        s.setSoTimeout(20_000);
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        String head = readHead(in);
        int length = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    private static String plainExchange(int port, String request) throws IOException {
        try (Socket s = new Socket(LOOPBACK, port)) {
            return exchange(s, request);
        }
    }

    private BigInteger serial(HttpsFront front, String serverName) throws Exception {
        try (SSLSocket s = connect(front, serverName, "TLSv1.3")) {
            return leaf(s).getSerialNumber();
        }
    }

    private static X509Certificate leaf(SSLSocket s) throws IOException {
        return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }

    /** A TLS 1.3 handshake offering ALPN {@code protocols} as an ACME CA does: any certificate accepted, it is looked at after. */
    private static SSLSocket handshake(HttpsFront front, String serverName, String... protocols) throws Exception {
        X509TrustManager anyCertificate = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException("client side only");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // the test checks the certificate itself
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {anyCertificate}, null);
        return handshake(ctx, front, serverName, "TLSv1.3", protocols);
    }

    /** A TLS connection that trusts the test CA only, asking for {@code serverName} (null: none) with {@code protocol}. */
    private static SSLSocket connect(HttpsFront front, String serverName, String protocol) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = HttpsFrontTest.class.getResourceAsStream("ca.pem")) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return handshake(ctx, front, serverName, protocol);
    }

    /** A handshake of {@code ctx} asking for {@code serverName} (null: none) with {@code protocol}, offering ALPN {@code alpn} (none: no ALPN). */
    private static SSLSocket handshake(SSLContext ctx, HttpsFront front, String serverName, String protocol, String... alpn) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(LOOPBACK, front.port());
        try {
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(new String[] {protocol});
            p.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
            if (alpn.length > 0) {
                p.setApplicationProtocols(alpn);
            }
            s.setSSLParameters(p);
            s.setSoTimeout(20_000);
            s.startHandshake();
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }
}
