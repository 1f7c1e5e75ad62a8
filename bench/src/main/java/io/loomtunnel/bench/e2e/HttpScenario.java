package io.loomtunnel.bench.e2e;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * HTTP/1.1 GET requests over keep-alive connections to {@link HttpService}: directly, through the
 * loomtunnel server's HTTP ingress (routed by Host to the client's http tunnel), and through socat
 * and ssh as plain TCP relays. Requests/s and latency percentiles; a fifth of the count runs first, unmeasured.
 * Beside those rows, through loomtunnel only: the same requests over TLS 1.3 to the server's HTTPS
 * listener ({@link #HTTPS}, metrics "https ..."), and the {@link H2loadRows} (HTTP/2, h2load).
 */
final class HttpScenario implements LoadScenario {
    /** The host the loomtunnel server routes to the bench's http tunnel; the other targets ignore it. */
    static final String HOST = Peers.HTTP_NAME + ".localhost";
    /** The HTTPS rows' load, run by the http scenario against the server's HTTPS listener, never on its own. */
    static final HttpScenario HTTPS = new HttpScenario("https", "https ", true);
    private static final int CONNECTIONS = 8;
    private static final byte[] REQUEST = ("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nUser-Agent: loomtunnel-bench\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);

    private final String name;
    /** Before every metric's name: the HTTPS rows sit beside the plain ones in one table. */
    private final String prefix;
    private final boolean tls;

    HttpScenario() {
        this("http", "", false);
    }

    private HttpScenario(String name, String prefix, boolean tls) {
        this.name = name;
        this.prefix = prefix;
        this.tls = tls;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Service service() {
        return Service.HTTP;
    }

    @Override
    public String describe(boolean quick) {
        return String.format("%,d GET requests (%d B responses) over %d keep-alive connections after %,d unmeasured%s;"
                        + " through loomtunnel also over HTTPS and HTTP/2 (h2load)",
                requests(quick), HttpService.BODY_BYTES, CONNECTIONS, requests(quick) / 5,
                quick ? " (--quick: full run sends 40,000)" : "");
    }

    static int requests(boolean quick) {
        return quick ? 2_000 : 40_000;
    }

    /** The HTTP/1.1 rows for every target, then the HTTPS and HTTP/2 rows where a target has them. */
    @Override
    public void run(Run run) throws Exception {
        List<Target> targets = run.sharedTargets();
        run.loadEach(this, targets);
        for (Target t : targets) {
            if (t.httpsPort() > 0) {
                run.load(HTTPS, t, t.httpsPort(), this);
            }
        }
        H2loadRows.run(run, this, targets);
    }

    @Override
    public Map<String, Double> load(int port, boolean quick, Map<String, Long> processes) throws Exception {
        requests(port, requests(quick) / 5, new Counts());
        Counts counts = new Counts();
        long start = System.nanoTime();
        requests(port, requests(quick), counts);
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram h = counts.latency.getIntervalHistogram();
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put(prefix + "requests/s", h.getTotalCount() / seconds);
        figures.put(prefix + "requests", (double) h.getTotalCount());
        figures.put(prefix + "errors", (double) counts.errors.get());
        figures.put(prefix + "connections", (double) counts.connections.get());
        LatencyScenario.percentiles(figures, prefix, h);
        return figures;
    }

    /** What one batch of requests saw: latency of each good response, errors, connections opened. */
    private static final class Counts {
        final Recorder latency = new Recorder(3);
        final AtomicInteger errors = new AtomicInteger();
        final AtomicInteger connections = new AtomicInteger();
    }

    /**
     * {@code count} requests shared by {@link #CONNECTIONS} connections. A failed request or connection
     * is counted, uses up one request of the count (so a dead relay cannot loop) and the connection is replaced.
     */
    private void requests(int port, int count, Counts counts) throws InterruptedException {
        AtomicInteger left = new AtomicInteger(count);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (left.get() > 0) {
                    try (Socket s = connect(port)) {
                        counts.connections.incrementAndGet();
                        keepAlive(s, left, counts);
                    } catch (IOException e) {
                        counts.errors.incrementAndGet();
                        left.decrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join(); // every request is bounded by the socket timeouts
        }
    }

    /** A connection to the target: plain, or TLS 1.3 offering only http/1.1 and naming {@link #HOST} (SNI). */
    private Socket connect(int port) throws IOException {
        Socket plain = Echo.connect(port);
        if (!tls) {
            return plain;
        }
        try {
            SSLSocket s = (SSLSocket) Tls.FACTORY.createSocket(plain, HOST, port, true);
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(HOST)));
            p.setApplicationProtocols(new String[] {"http/1.1"});
            s.setSSLParameters(p);
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /**
     * TLS 1.3 trusting whatever certificate the server shows: it is the self-signed one made for
     * this run on loopback ({@link SelfSigned}), and the figure is the cost of TLS, not of checking it.
     */
    private static final class Tls {
        static final SSLSocketFactory FACTORY = factory();

        private static SSLSocketFactory factory() {
            X509TrustManager any = new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            };
            try {
                SSLContext context = SSLContext.getInstance("TLSv1.3");
                context.init(null, new TrustManager[] {any}, null);
                return context.getSocketFactory();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no TLS 1.3 here: " + e.getMessage(), e);
            }
        }
    }

    /** Requests on one connection until none are left or the server closes it. */
    private static void keepAlive(Socket s, AtomicInteger left, Counts counts) throws IOException {
        OutputStream out = s.getOutputStream();
        InputStream in = new BufferedInputStream(s.getInputStream());
        while (left.getAndDecrement() > 0) {
            long start = System.nanoTime();
            out.write(REQUEST);
            String head = HttpHead.read(in);
            if (head == null) {
                throw new IOException("connection closed before the response");
            }
            in.skipNBytes(HttpHead.contentLength(head));
            if (head.startsWith("HTTP/1.1 200 ")) {
                counts.latency.recordValue(System.nanoTime() - start);
            } else {
                counts.errors.incrementAndGet();
            }
            if (HttpHead.closes(head)) {
                return;
            }
        }
    }
}
