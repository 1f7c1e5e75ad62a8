package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.natlab.WatchedProcess;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS listener through `loomtunnel server` and `client` processes, driven by curl: PEM
 * certificates chosen by SNI, HSTS, X-Forwarded-Proto, the redirect, a reload, TLS passthrough to
 * `openssl s_server` (whose key the server never has), and certificates from Pebble, the ACME test
 * CA, by HTTP-01 and by TLS-ALPN-01, with pebble-challtestsrv as Pebble's DNS. One set of processes
 * for every case; TLS-ALPN-01 needs a second server (only an HTTPS listener, so that tls-alpn-01 is
 * its challenge: the challenge is one per server), started without waiting for it, so that its
 * JVM start and its order overlap the first one's. Without Pebble the ACME cases skip, unless
 * LOOMTUNNEL_ACME_REQUIRED=1 (scripts/test as root installs it).
 */
@Timeout(240)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpsIT {
    private static final String FIXTURES = "/io/loomtunnel/internal/https/";
    private static final Duration START = Duration.ofSeconds(60);
    private static final String REQUIRED_ENV = "LOOMTUNNEL_ACME_REQUIRED";

    @TempDir
    static Path dir;
    private final List<AutoCloseable> running = new ArrayList<>();
    private boolean acme;
    private int httpPort;
    private int httpsPort;
    private int alpnPort; // the HTTPS-only server that gets its certificate by TLS-ALPN-01
    private JarProcess alpnServer;
    private JarProcess server;
    private int pebbleManagement;
    private Path pebbleCa;

    /** A child process other than the jar (pebble, its DNS, openssl s_server), killed at the end. */
    private static final class Tool extends WatchedProcess {
        Tool(String label, List<String> command, Map<String, String> env) throws IOException {
            super(label, launch(command, env));
        }
    }

    @BeforeAll
    void start() throws Exception {
        for (String f : List.of("ca.pem", "web.pem", "web.key", "web2.pem", "web2.key", "wild.pem", "wild.key", "service.pem",
                "service.key")) {
            fixture(f, f);
        }
        HttpServer app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        app.createContext("/", e -> {
            byte[] body = ("proto=" + e.getRequestHeaders().getFirst("X-Forwarded-Proto") + " path=" + e.getRequestURI())
                    .getBytes(StandardCharsets.UTF_8);
            e.sendResponseHeaders(200, body.length);
            e.getResponseBody().write(body);
            e.close();
        });
        app.start();
        running.add(() -> app.stop(0));
        int tlsService = ReverseTunnelIT.freePort();
        running.add(new Tool("s_server", List.of("openssl", "s_server", "-accept", "127.0.0.1:" + tlsService, "-cert",
                dir.resolve("service.pem").toString(), "-key", dir.resolve("service.key").toString(), "-www", "-quiet"), Map.of()));
        httpPort = ReverseTunnelIT.freePort();
        httpsPort = ReverseTunnelIT.freePort();
        alpnPort = ReverseTunnelIT.freePort();
        acme = pebbleInstalled();
        List<String> acmeFlags = acme ? startPebble() : List.of();
        List<String> args = new ArrayList<>(List.of("--http-bind", "127.0.0.1:" + httpPort, "--https-bind", "127.0.0.1:" + httpsPort,
                "--https-cert", dir.resolve("web.pem") + ":" + dir.resolve("web.key"),
                "--https-cert", dir.resolve("wild.pem") + ":" + dir.resolve("wild.key"),
                "--hsts", "max-age=600", "--allow-hosts", "*"));
        args.addAll(acmeFlags);
        if (acme) { // not awaited: the test waits for its certificate
            Path other = Files.createDirectories(dir.resolve("alpn"));
            ReverseTunnelIT.secret(other.resolve("tokens.txt"), "# no client uses it\nit-alpn-token-0123456789\n");
            List<String> alpn = new ArrayList<>(List.of("server", "--bind", "127.0.0.1:0", "--key", other.resolve("server.key").toString(),
                    "--tokens-file", other.resolve("tokens.txt").toString(), "--https-bind", "127.0.0.1:" + alpnPort, "--acme-host", "alpn.test"));
            alpn.addAll(acmeFlags);
            alpnServer = JarProcess.start(Map.of(), alpn.toArray(String[]::new));
            running.add(alpnServer);
        }
        ReverseTunnelIT.Server server = ReverseTunnelIT.server(dir, 0, args.toArray(String[]::new));
        running.add(server);
        this.server = server.process();
        List<String> tunnels = new ArrayList<>(List.of("--http", "web:127.0.0.1:" + app.getAddress().getPort(),
                "--http", "x.wild.test:127.0.0.1:" + app.getAddress().getPort(),
                "--tls", "secret:127.0.0.1:" + tlsService));
        if (acme) {
            tunnels.addAll(List.of("--http", "acme:127.0.0.1:" + app.getAddress().getPort()));
        }
        JarProcess client = ReverseTunnelIT.client(dir, server, tunnels.toArray(String[]::new));
        running.add(client);
        client.await("http\\s+web\\s+https://web\\.localhost:" + httpsPort + "/", START);
        client.await("http\\s+secret\\s+https://secret\\.localhost:" + httpsPort + "/", START);
        if (acme) {
            client.await("http\\s+acme\\s+", START);
        }
    }

    @AfterAll
    void stopAll() throws Exception {
        for (AutoCloseable c : running.reversed()) {
            c.close();
        }
    }

    @Test
    void serverNameChoosesTheCertificateAndTheAppSeesHttpsWithHsts() throws Exception {
        String headers = curl("-D", "-", "-o", "/dev/null", "--cacert", ca(), resolve("web.localhost", httpsPort), url("web.localhost", "/h"));
        assertTrue(headers.startsWith("HTTP/2 200"), headers); // curl offers h2 first and the front takes it (docs/HTTP.md, "HTTP/2 and gRPC")
        assertTrue(headers.toLowerCase().contains("strict-transport-security: max-age=600"), headers);
        assertEquals("proto=https path=/p?q=1", curl("--cacert", ca(), resolve("web.localhost", httpsPort), url("web.localhost", "/p?q=1")));
        assertEquals("proto=https path=/w", curl("--cacert", ca(), resolve("x.wild.test", httpsPort), url("x.wild.test", "/w")),
                "the wildcard certificate verifies for x.wild.test");
    }

    @Test
    void plainHttpIsRedirectedToHttps() throws Exception {
        assertEquals("308 https://web.localhost:" + httpsPort + "/a?b=1", curl("-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                resolve("web.localhost", httpPort), "http://web.localhost:" + httpPort + "/a?b=1"));
    }

    @Test
    void passthroughReachesTheLocalTlsServiceWithItsOwnCertificate() throws Exception {
        String out = curl("-v", "--cacert", ca(), resolve("secret.localhost", httpsPort), url("secret.localhost", "/"));
        assertTrue(out.contains("CN=secret.localhost"), "the service's own certificate\n" + out);
        assertTrue(out.contains("s_server"), "the page of openssl s_server\n" + out);
    }

    @Test
    void changedPemFilesServeNewHandshakes() throws Exception {
        assertEquals(BigInteger.valueOf(101), serial("web.localhost", httpsPort, dir.resolve("ca.pem")));
        fixture("web2.key", "web.key");
        fixture("web2.pem", "web.pem");
        Probes.eventually(Duration.ofSeconds(30), "the renewed certificate (serial 102) is served",
                () -> BigInteger.valueOf(102).equals(serial("web.localhost", httpsPort, dir.resolve("ca.pem"))));
        assertEquals("proto=https path=/after", curl("--cacert", ca(), resolve("web.localhost", httpsPort), url("web.localhost", "/after")));
    }

    @Test
    void acmeHttp01CertificateIsIssuedStoredPrivatelyAndServed() throws Exception {
        Assumptions.assumeTrue(acme, "pebble is not installed");
        Path root = pebbleRoot();
        awaitIssued(server, "acme.localhost");
        assertEquals("proto=https path=/x", curl("--cacert", root.toString(), resolve("acme.localhost", httpsPort), url("acme.localhost", "/x")),
                "acme.localhost is served with the certificate from Pebble");
        Path key = dir.resolve("acme/acme.localhost.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("acme/account.key"))));
        assertEquals("308 https://acme.localhost:" + httpsPort + "/y", curl("-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                resolve("acme.localhost", httpPort), "http://acme.localhost:" + httpPort + "/y"), "redirected once it has a certificate");
    }

    @Test
    void acmeTlsAlpn01CertificateIsIssuedAndServed() throws Exception {
        Assumptions.assumeTrue(acme, "pebble is not installed");
        Path root = pebbleRoot();
        awaitIssued(alpnServer, "alpn.test");
        assertEquals("404", curl("-o", "/dev/null", "-w", "%{http_code}", "--cacert", root.toString(), resolve("alpn.test", alpnPort),
                "https://alpn.test:" + alpnPort + "/"), "alpn.test is served with the certificate from Pebble (and has no tunnel)");
        assertFalse(Files.exists(dir.resolve("alpn/acme/alpn.test.crt.tmp")));
        assertTrue(Files.exists(dir.resolve("alpn/acme/alpn.test.crt")));
    }

    // ---- helpers

    /** Waits for the log line of {@code host}'s first order (it is served once that is logged); fails with the failure line. */
    private static void awaitIssued(JarProcess server, String host) throws InterruptedException {
        String h = Pattern.quote(host);
        String outcome = server.await("acme: (certificate for " + h + " issued|no certificate for " + h + " .*)", Duration.ofSeconds(90)).group();
        assertTrue(outcome.contains(" issued"), outcome);
    }

    private boolean pebbleInstalled() {
        boolean found = onPath("pebble") && onPath("pebble-challtestsrv");
        if (!found && "1".equals(System.getenv(REQUIRED_ENV))) {
            throw new AssertionError("pebble is not installed, and " + REQUIRED_ENV + "=1");
        }
        return found;
    }

    /** Pebble (its ACME API on a certificate of our own) and its DNS, which answers 127.0.0.1 for every name; the server's ACME flags. */
    private List<String> startPebble() throws Exception {
        int api = ReverseTunnelIT.freePort();
        pebbleManagement = ReverseTunnelIT.freePort();
        int dns = ReverseTunnelIT.freePort();
        pebbleCa = dir.resolve("pebble-api.pem");
        Path key = dir.resolve("pebble-api.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", pebbleCa.toString(), "-days", "2", "-subj", "/CN=pebble api",
                "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertEquals(0, openssl.waitFor());
        Path config = Files.writeString(dir.resolve("pebble.json"), """
                {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                 "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                 "ocspResponderURL": "", "externalAccountBindingRequired": false}}
                """.formatted(api, pebbleManagement, pebbleCa, key, httpPort, alpnPort));
        running.add(new Tool("challtestsrv", List.of("pebble-challtestsrv", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "",
                "-dns01", "127.0.0.1:" + dns, "-http01", "", "-https01", "", "-tlsalpn01", "",
                "-management", "127.0.0.1:" + ReverseTunnelIT.freePort()), Map.of()));
        Tool pebble = new Tool("pebble", List.of("pebble", "-config", config.toString(), "-dnsserver", "127.0.0.1:" + dns),
                Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0"));
        running.add(pebble);
        pebble.await("Listening on", START);
        return List.of("--acme-directory", "https://127.0.0.1:" + api + "/dir", "--acme-ca", pebbleCa.toString());
    }

    /** The root of the certificates this Pebble issues (new each start). */
    private Path pebbleRoot() throws Exception {
        Path root = dir.resolve("pebble-root.pem");
        if (!Files.exists(root)) {
            curl("-o", root.toString(), "--cacert", pebbleCa.toString(), "https://127.0.0.1:" + pebbleManagement + "/roots/0");
        }
        return root;
    }

    private void fixture(String name, String as) throws IOException {
        try (InputStream in = HttpsIT.class.getResourceAsStream(FIXTURES + name)) {
            Path tmp = dir.resolve(as + ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, dir.resolve(as), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private String ca() {
        return dir.resolve("ca.pem").toString();
    }

    private static String resolve(String host, int port) {
        return "--resolve=" + host + ":" + port + ":127.0.0.1";
    }

    private String url(String host, String path) {
        return "https://" + host + ":" + httpsPort + path;
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    /** The serial of the certificate a TLS 1.3 handshake with {@code serverName} gets, trusting {@code caPem} only. */
    private static BigInteger serial(String serverName, int port, Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(serverName)));
            s.setSSLParameters(p);
            s.setSoTimeout(20_000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        for (String a : args) {
            if (a.startsWith("--resolve=")) { // curl takes no '=' form: two arguments
                command.add("--resolve");
                command.add(a.substring("--resolve=".length()));
            } else {
                command.add(a);
            }
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String(out, StandardCharsets.UTF_8);
    }
}
