package io.loomtunnel.internal.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Local web apps for the ingress tests, on JDK HttpServer. Each answers:
 * /echo (a text report: app, method, path, forwarded fields, body length and SHA-256),
 * /bytes?n=N (N deterministic bytes, chunked), /fixed?n=N (the same with Content-Length),
 * /status/C (status C, no body).
 */
final class TestApps {
    private TestApps() {
    }

    static HttpServer start(String name) throws IOException {
        return start(name, Executors.newVirtualThreadPerTaskExecutor());
    }

    /** An app with {@code workers} worker threads, as an app server has: a request waits for a free one. */
    static HttpServer start(String name, int workers) throws IOException {
        return start(name, Executors.newFixedThreadPool(workers, Thread.ofVirtual().factory()));
    }

    private static HttpServer start(String name, java.util.concurrent.Executor workers) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(workers);
        server.createContext("/echo", ex -> echo(name, ex));
        server.createContext("/bytes", ex -> bytes(ex, 0));
        server.createContext("/fixed", ex -> bytes(ex, -1));
        server.createContext("/status/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(Integer.parseInt(ex.getRequestURI().getPath().substring(8)), -1);
            ex.close();
        });
        server.start();
        return server;
    }

    private static void echo(String name, HttpExchange ex) throws IOException {
        MessageDigest sha = sha256();
        long length = 0;
        try (InputStream in = ex.getRequestBody()) {
            byte[] buf = new byte[16384];
            for (int n; (n = in.read(buf)) >= 0; ) {
                sha.update(buf, 0, n);
                length += n;
            }
        }
        var h = ex.getRequestHeaders();
        String report = "app=" + name + "\nmethod=" + ex.getRequestMethod() + "\npath=" + ex.getRequestURI()
                + "\nhost=" + h.getFirst("Host") + "\nx-forwarded-for=" + h.get("X-Forwarded-For")
                + "\nx-forwarded-proto=" + h.get("X-Forwarded-Proto") + "\nx-forwarded-host=" + h.get("X-Forwarded-Host")
                + "\nconnection=" + h.get("Connection") + "\nexpect=" + h.get("Expect") + "\nsecret=" + h.get("X-Secret")
                + "\nlength=" + length + "\nsha256=" + HexFormat.of().formatHex(sha.digest()) + "\n";
        byte[] body = report.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(200, ex.getRequestMethod().equals("HEAD") ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!ex.getRequestMethod().equals("HEAD")) {
                out.write(body);
            }
        }
    }

    /** {@code framing}: 0 for chunked, -1 for Content-Length N. */
    private static void bytes(HttpExchange ex, int framing) throws IOException {
        ex.getRequestBody().readAllBytes();
        long n = Long.parseLong(query(ex).get("n"));
        ex.sendResponseHeaders(200, framing == 0 ? 0 : n);
        try (OutputStream out = ex.getResponseBody()) {
            byte[] buf = new byte[8192];
            for (long sent = 0; sent < n; ) {
                int len = (int) Math.min(buf.length, n - sent);
                fill(buf, sent, len);
                out.write(buf, 0, len);
                sent += len;
            }
        }
    }

    /** The deterministic content: byte i is (i * 31 + i / 7) mod 256. */
    static void fill(byte[] buf, long offset, int len) {
        for (int i = 0; i < len; i++) {
            long at = offset + i;
            buf[i] = (byte) (at * 31 + at / 7);
        }
    }

    static byte[] content(int n) {
        byte[] b = new byte[n];
        fill(b, 0, n);
        return b;
    }

    static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(sha256().digest(data));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        String q = ex.getRequestURI().getQuery();
        return q == null ? Map.of() : java.util.Arrays.stream(q.split("&"))
                .map(p -> p.split("=", 2)).collect(java.util.stream.Collectors.toMap(p -> p[0], p -> p[1]));
    }
}
