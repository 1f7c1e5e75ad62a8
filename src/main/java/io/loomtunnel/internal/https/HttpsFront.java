package io.loomtunnel.internal.https;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.http.HttpIngress;
import io.loomtunnel.internal.http.HttpIngressConfig;
import io.loomtunnel.internal.http.HttpRoute;
import io.loomtunnel.internal.http.HttpRouter;
import io.loomtunnel.internal.limits.SourceLimit;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The HTTPS listener: reads each connection's ClientHello (within the head timeout), then either
 * splices the connection, the ClientHello included, to the passthrough tunnel of its server name
 * (the server never holds that tunnel's key nor sees its plaintext), or terminates TLS (JSSE,
 * TLS 1.3; 1.2 when allowed) with the certificate of that name and hands the TLS socket to an HTTP
 * ingress of its own, whose requests carry {@code X-Forwarded-Proto: https}.
 *
 * <p>Threads: {@code "loomtunnel https :PORT: accept"}, {@code "...: certificates"} (looks at the
 * PEM files every {@link #RELOAD_CHECK}), one per connection until its handshake is done
 * ({@code "...: connection from ADDRESS"}, which then hands it to the ingress's threads, or carries
 * a passthrough's visitor-to-service direction while a second one carries the other). {@link #close}
 * closes the listener and every connection, then joins them.
 *
 * <p>Locking: none of its own; {@code open} is a concurrent set and {@code closed} is volatile
 * (checked after adding a socket, as the HTTP ingress does).
 */
public final class HttpsFront implements Closeable {
    private static final System.Logger LOG = System.getLogger(HttpsFront.class.getName());
    /** How often the PEM files are looked at for changes. */
    public static final Duration RELOAD_CHECK = Duration.ofSeconds(2);
    private static final int SPLICE_BUFFER = 16 * 1024;

    private final ServerSocket server;
    private final boolean allowTls12;
    private final HttpIngressConfig httpConfig;
    private final CertificateStore certificates;
    private final PassthroughRouter passthrough;
    private final AcmeChallenges challenges;
    private final SSLContext tls;
    private final SSLContext acmeTls;
    private final HttpIngress ingress;
    private final SourceLimit perSource;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final OwnedThreads threads;
    private volatile boolean closed;

    private HttpsFront(ServerSocket server, boolean allowTls12, String hsts, HttpIngressConfig httpConfig,
            CertificateStore certificates, HttpRouter router, PassthroughRouter passthrough, AcmeChallenges challenges,
            SSLContext tls, SSLContext acmeTls) {
        this.server = server;
        this.allowTls12 = allowTls12;
        this.httpConfig = httpConfig;
        this.certificates = certificates;
        this.passthrough = passthrough;
        this.challenges = challenges;
        this.tls = tls;
        this.acmeTls = acmeTls;
        String owner = "https :" + server.getLocalPort();
        this.ingress = HttpIngress.adopting(owner, hsts == null ? router : new HstsRouter(router, hsts), httpConfig);
        this.perSource = new SourceLimit(httpConfig.maxConnectionsPerSource());
        this.threads = new OwnedThreads(owner);
    }

    /**
     * Loads the certificates, binds and starts accepting.
     *
     * @param allowTls12 accept TLS 1.2 besides 1.3
     * @param hsts the Strict-Transport-Security value of every response, or null
     * @param httpConfig the HTTP ingress's limits; its scheme is replaced by https
     * @param challenges the TLS-ALPN-01 challenges to answer ({@code acme-tls/1} handshakes)
     * @throws IOException a certificate could not be loaded, or the port could not be bound
     */
    public static HttpsFront start(InetSocketAddress bind, boolean allowTls12, String hsts, HttpIngressConfig httpConfig, CertificateStore certificates,
            HttpRouter router, PassthroughRouter passthrough, AcmeChallenges challenges) throws IOException {
        certificates.load();
        SSLContext tls;
        SSLContext acmeTls;
        try {
            tls = SSLContext.getInstance("TLS");
            tls.init(new KeyManager[] {new SniKeyManager(certificates)}, null, null);
            acmeTls = SSLContext.getInstance("TLS");
            acmeTls.init(new KeyManager[] {new SniKeyManager(challenges::tlsAlpn01)}, null, null);
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS is not available: " + e.getMessage(), e);
        }
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(bind, 1024);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        HttpIngressConfig https = new HttpIngressConfig(httpConfig.headerTimeout(), httpConfig.maxHeadBytes(),
                httpConfig.idleTimeout(), httpConfig.bodyBufferBytes(), httpConfig.bodyTimeout(), httpConfig.sendTimeout(),
                httpConfig.minBodyRate(), httpConfig.upstreamTimeout(), httpConfig.maxConnectionsPerSource(), "https");
        HttpsFront front = new HttpsFront(server, allowTls12, hsts, https, certificates, router, passthrough, challenges, tls, acmeTls);
        front.threads.start("accept", front::acceptLoop);
        front.threads.startEvery("certificates", RELOAD_CHECK, certificates::refresh);
        return front;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Stops accepting, closes every connection (handshaking, spliced or served) and joins their threads; idempotent. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        open.forEach(s -> closeQuietly(s));
        threads.close();
        ingress.close();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, () -> "https accept failed: " + e);
                    pause();
                }
                continue;
            }
            InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
            SourceLimit.Slot slot = perSource.enter(remote.getAddress());
            if (slot == null) {
                closeQuietly(socket); // as the HTTP ingress: unanswered
                continue;
            }
            open.add(socket);
            if (closed || !threads.startIfOpen("connection from " + remote.getAddress().getHostAddress() + ":" + remote.getPort(),
                    () -> serve(socket, slot))) {
                open.remove(socket);
                closeQuietly(socket);
                slot.close();
            }
        }
    }

    /** Reads the ClientHello, then splices or terminates. */
    private void serve(Socket socket, SourceLimit.Slot slot) {
        boolean handedOn = false;
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis(httpConfig.headerTimeout()));
            ClientHelloReader.Peeked peeked = ClientHelloReader.read(socket.getInputStream());
            String name = peeked.hello().serverName();
            HttpRoute through = name == null ? null : passthrough.passthrough(name);
            if (through != null) { // its acme-tls/1 handshakes too: the service may get its own certificates
                socket.setSoTimeout(0);
                new PassthroughSplice(socket, through, peeked.raw(), threads, SPLICE_BUFFER).run();
                return;
            }
            if (peeked.hello().protocols().equals(List.of(AcmeChallenges.ACME_TLS))) { // as the CA offers it (RFC 8737 3)
                answerTlsAlpn01(socket, peeked.raw());
                return;
            }
            SSLSocket tlsSocket = (SSLSocket) tls.getSocketFactory().createSocket(socket, new ByteArrayInputStream(peeked.raw()), true);
            tlsSocket.setSSLParameters(parameters());
            tlsSocket.startHandshake(); // within the head timeout still set on the socket
            open.remove(socket);
            handedOn = true;
            ingress.adopt(tlsSocket);
        } catch (NotAClientHelloException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "https: not TLS from " + socket.getRemoteSocketAddress() + ": " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "https: connection from " + socket.getRemoteSocketAddress() + " ended: " + e);
        } finally {
            if (!handedOn) {
                open.remove(socket);
                closeQuietly(socket);
            }
            slot.close();
        }
    }

    /**
     * A TLS-ALPN-01 validation (RFC 8737 3): the handshake with the challenge certificate of the name
     * and ALPN acme-tls/1, then close; no application data. Without a challenge for the name the
     * handshake fails (no certificate), as the RFC asks.
     */
    private void answerTlsAlpn01(Socket socket, byte[] hello) throws IOException {
        try (SSLSocket s = (SSLSocket) acmeTls.getSocketFactory().createSocket(socket, new ByteArrayInputStream(hello), true)) {
            SSLParameters p = acmeTls.getDefaultSSLParameters();
            p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            p.setApplicationProtocols(new String[] {AcmeChallenges.ACME_TLS});
            s.setSSLParameters(p);
            s.startHandshake();
        }
    }

    private SSLParameters parameters() {
        SSLParameters p = tls.getDefaultSSLParameters();
        p.setProtocols(allowTls12 ? new String[] {"TLSv1.3", "TLSv1.2"} : new String[] {"TLSv1.3"});
        p.setApplicationProtocols(new String[] {"h2", "http/1.1"}); // h2: docs/HTTP.md, "HTTP/2"
        p.setUseCipherSuitesOrder(true);
        return p;
    }

    private static int timeoutMillis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
