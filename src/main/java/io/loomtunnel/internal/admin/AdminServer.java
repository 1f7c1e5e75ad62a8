package io.loomtunnel.internal.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.observe.LogRing;
import io.loomtunnel.session.TokenCheck;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The admin HTTP endpoint of a server or client (docs/METRICS.md, "Admin endpoint"): Prometheus
 * text at {@code /metrics}, JSON at {@code /api/status} and {@code /api/logs}, {@code /healthz},
 * and the console's actions (kick, open, close). The JDK's HTTP server, one virtual thread per
 * request, at most {@value #MAX_REQUESTS} at once; when a token is set, every path but
 * {@code /healthz} needs {@code Authorization: Bearer TOKEN}, compared in constant time.
 *
 * <p>Threads: requests run on the endpoint's own ({@code "loomtunnel admin :PORT: request"});
 * the JDK server's dispatcher thread is the JDK's, ended by {@code stop}. {@link #close} stops
 * the server and joins the request threads. No lock: {@code inFlight} bounds the requests.
 */
public final class AdminServer implements Closeable {
    private static final int MAX_REQUESTS = 64;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String JSON_TYPE = "application/json; charset=utf-8";

    static {
        // The JDK server reads these once: bound how long a request may take to arrive and to be answered.
        System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "10"));
        System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "30"));
    }

    private final HttpServer server;
    private final OwnedThreads threads;
    private final TokenCheck token;
    private final AdminTarget target;
    private final LogRing logs;
    private final Semaphore inFlight = new Semaphore(MAX_REQUESTS);

    private AdminServer(HttpServer server, OwnedThreads threads, String token, AdminTarget target, LogRing logs) {
        this.server = server;
        this.threads = threads;
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
        OwnedThreads threads = new OwnedThreads("admin :" + http.getAddress().getPort());
        AdminServer admin = new AdminServer(http, threads, token, target, logs);
        http.createContext("/", admin::handle);
        http.setExecutor(threads.executor("request"));
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
            byte[] body;
            try (InputStream in = x.getRequestBody()) {
                body = in.readNBytes(AdminRequest.MAX_BODY + 1);
            }
            AdminRequest r = AdminRequest.parse(method, path, x.getRequestURI().getRawQuery(), body);
            switch (r.action()) {
                case METRICS -> send(x, 200, "text/plain; version=0.0.4; charset=utf-8", target.metrics().scrape());
                case STATUS -> sendJson(x, 200, target.status());
                case LOGS -> sendJson(x, 200, Map.of("lines", logs.recent(r.lines())));
                case KICK -> {
                    target.kick(r.subject());
                    sendJson(x, 200, Map.of("kicked", r.subject()));
                }
                case OPEN -> sendJson(x, 200, target.open(r.type(), r.spec()));
                case CLOSE -> {
                    target.close(r.subject());
                    sendJson(x, 200, Map.of("closed", r.subject()));
                }
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

    /** Stops listening, ends requests in flight and joins their threads within {@link OwnedThreads#DEFAULT_GRACE}. */
    @Override
    public void close() {
        server.stop(0);
        threads.close();
    }
}
