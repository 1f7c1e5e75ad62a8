package io.loomtunnel.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.session.TokenCheck;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * The admin HTTP endpoint of a server or client (docs/METRICS.md, "Admin endpoint"): Prometheus
 * text at {@code /metrics}, JSON at {@code /api/status} and {@code /api/logs}, {@code /healthz},
 * and the console's actions (kick, open, close). The JDK's HTTP server, one virtual thread per
 * request, at most {@value #MAX_REQUESTS} at once; when a token is set, every path but
 * {@code /healthz} needs {@code Authorization: Bearer TOKEN}, compared in constant time.
 */
public final class AdminServer implements Closeable {
    private static final int MAX_REQUESTS = 64;
    private static final int MAX_BODY = 16 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String JSON_TYPE = "application/json; charset=utf-8";

    static {
        // The JDK server reads these once: bound how long a request may take to arrive and to be answered.
        System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "10"));
        System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "30"));
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final TokenCheck token;
    private final AdminTarget target;
    private final LogRing logs;
    private final Semaphore inFlight = new Semaphore(MAX_REQUESTS);

    private AdminServer(HttpServer server, ExecutorService executor, String token, AdminTarget target, LogRing logs) {
        this.server = server;
        this.executor = executor;
        this.token = token == null ? null : TokenCheck.of(List.of(token));
        this.target = target;
        this.logs = logs;
    }

    /** Binds and serves; throws BindException when the address is taken. */
    public static AdminServer start(InetSocketAddress bind, String token, AdminTarget target, LogRing logs) throws IOException {
        HttpServer http;
        try {
            http = HttpServer.create(bind, 64);
        } catch (java.net.BindException e) {
            throw new java.net.BindException(bind.getHostString() + ":" + bind.getPort() + " (admin endpoint): " + e.getMessage());
        }
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("admin-", 0).factory());
        AdminServer admin = new AdminServer(http, executor, token, target, logs);
        http.createContext("/", admin::handle);
        http.setExecutor(executor);
        http.start();
        return admin;
    }

    /** Where it listens (the port is the real one when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!inFlight.tryAcquire()) {
                send(exchange, 503, JSON_TYPE, error("too many admin requests at once"));
                return;
            }
            try {
                route(exchange);
            } finally {
                inFlight.release();
            }
        }
    }

    private void route(HttpExchange x) throws IOException {
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getPath();
        if (path.equals("/healthz")) {
            send(x, 200, "text/plain; charset=utf-8", "ok\n");
            return;
        }
        if (!authorized(x)) {
            x.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            send(x, 401, JSON_TYPE, error("missing or wrong bearer token"));
            return;
        }
        try {
            switch (method + " " + pattern(path)) {
                case "GET /metrics" -> send(x, 200, "text/plain; version=0.0.4; charset=utf-8", target.metrics().scrape());
                case "GET /api/status" -> sendJson(x, 200, target.status());
                case "GET /api/logs" -> sendJson(x, 200, Map.of("lines", logs.recent(lines(x))));
                case "POST /api/sessions/*/kick" -> {
                    target.kick(segment(path, 3));
                    sendJson(x, 200, Map.of("kicked", segment(path, 3)));
                }
                case "POST /api/tunnels" -> {
                    JsonNode body = body(x);
                    sendJson(x, 200, target.open(text(body, "type"), text(body, "spec")));
                }
                case "DELETE /api/tunnels/*" -> {
                    target.close(segment(path, 3));
                    sendJson(x, 200, Map.of("closed", segment(path, 3)));
                }
                default -> send(x, 404, JSON_TYPE, error("no " + method + " " + path + " here (see docs/METRICS.md)"));
            }
        } catch (AdminException e) {
            send(x, e.httpStatus(), JSON_TYPE, error(e.getMessage()));
        }
    }

    private boolean authorized(HttpExchange x) {
        if (token == null) {
            return true;
        }
        String header = x.getRequestHeaders().getFirst("Authorization");
        return header != null && header.startsWith("Bearer ") && token.indexOf(header.substring(7).strip()) >= 0;
    }

    /** The path with its variable segments (a session id, a tunnel name) as {@code *}. */
    private static String pattern(String path) {
        String[] s = path.split("/", -1);
        if (s.length == 5 && path.startsWith("/api/sessions/") && s[4].equals("kick")) {
            return "/api/sessions/*/kick";
        }
        if (s.length == 4 && path.startsWith("/api/tunnels/") && !s[3].isEmpty()) {
            return "/api/tunnels/*";
        }
        return path;
    }

    private static String segment(String path, int index) {
        return URLDecoder.decode(path.split("/", -1)[index], StandardCharsets.UTF_8);
    }

    private static int lines(HttpExchange x) throws AdminException {
        String q = x.getRequestURI().getQuery();
        if (q == null) {
            return 100;
        }
        for (String pair : q.split("&")) {
            if (pair.startsWith("lines=")) {
                try {
                    return Integer.parseInt(pair.substring(6));
                } catch (NumberFormatException e) {
                    throw new AdminException(AdminException.BAD_REQUEST, "lines must be a number, got '" + pair.substring(6) + "'");
                }
            }
        }
        return 100;
    }

    private static JsonNode body(HttpExchange x) throws IOException, AdminException {
        byte[] bytes;
        try (InputStream in = x.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw new AdminException(AdminException.BAD_REQUEST, "request body larger than " + MAX_BODY + " bytes");
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new AdminException(AdminException.BAD_REQUEST, "request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new AdminException(AdminException.BAD_REQUEST, "request body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body, String member) throws AdminException {
        JsonNode v = body.get(member);
        if (v == null || !v.isTextual()) {
            throw new AdminException(AdminException.BAD_REQUEST, "request body needs a string \"" + member + "\"");
        }
        return v.textValue();
    }

    private static String error(String message) throws JsonProcessingException {
        return JSON.writeValueAsString(Map.of("error", message));
    }

    private static void sendJson(HttpExchange x, int status, Object body) throws IOException {
        send(x, status, JSON_TYPE, JSON.writeValueAsString(body));
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops listening and ends requests in flight. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
