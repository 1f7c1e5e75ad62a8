package io.loomtunnel.internal.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.inspect.Inspector;
import io.loomtunnel.internal.inspect.InspectorApi;
import io.loomtunnel.internal.limits.PenaltyBox;
import io.loomtunnel.internal.limits.RefusalLog;
import io.loomtunnel.observe.LogRing;
import io.loomtunnel.observe.ObserveSettings;
import io.loomtunnel.session.TokenCheck;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The admin HTTP endpoint of a server or client (docs/METRICS.md, "Admin endpoint"): Prometheus
 * text at {@code /metrics}, JSON at {@code /api/status} and {@code /api/logs}, {@code /healthz},
 * and the console's actions (kick, open, close). The JDK's HTTP server, one virtual thread per
 * request, at most {@value #MAX_REQUESTS} at once. Who gets in is {@link AdminGuard}'s call
 * (docs/SECURITY.md, "Admin endpoint"): a Host it serves, no foreign origin, the bearer token
 * (constant-time) or a browser's session cookie, JSON for changes, penalties per source.
 *
 * <p>Threads: requests run on the endpoint's own ({@code "loomtunnel admin :PORT: request"});
 * the JDK server's dispatcher thread is the JDK's, ended by {@code stop}. {@link #close} stops
 * the server and joins the request threads. No lock: {@code inFlight} bounds the requests.
 */
public final class AdminServer implements Closeable {
    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
    private static final int MAX_REQUESTS = 64;
    /** Sources with a penalty the endpoint remembers at most (docs/SECURITY.md). */
    private static final int MAX_PENALISED_SOURCES = 4_096;
    /** How long a login link works, and how many may be outstanding. */
    private static final Duration LOGIN_LINK_LIFETIME = Duration.ofMinutes(2);
    private static final int MAX_LOGIN_LINKS = 8;
    /** Refused requests get at most one log line per this. */
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String JSON_TYPE = "application/json; charset=utf-8";

    static {
        // The JDK server reads these once: bound how long a request may take to arrive and to be answered.
        System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "10"));
        System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "30"));
    }

    private final HttpServer server;
    private final OwnedThreads threads;
    private final AdminGuard guard;
    private final BrowserSession browser;
    private final RefusalLog refusals;
    private final AdminTarget target;
    private final LogRing logs;
    private final Semaphore inFlight = new Semaphore(MAX_REQUESTS);

    private AdminServer(HttpServer server, OwnedThreads threads, ObserveSettings settings, AdminTarget target,
                        Consumer<String> log) {
        this.server = server;
        this.threads = threads;
        this.target = target;
        this.logs = settings.logs() == null ? new LogRing(1) : settings.logs();
        InetSocketAddress bound = server.getAddress();
        this.browser = new BrowserSession(bound.getPort(), LOGIN_LINK_LIFETIME, MAX_LOGIN_LINKS, System::nanoTime);
        this.refusals = new RefusalLog("admin endpoint", LOG_INTERVAL, log, System::nanoTime);
        this.guard = new AdminGuard(new AllowedHosts(bound, settings.adminAllowedHosts()),
                settings.adminToken() == null ? null : TokenCheck.of(List.of(settings.adminToken())), browser,
                new PenaltyBox(new PenaltyBox.Accumulating(settings.adminAuthFailPenalty(), settings.adminPenaltyLimit()),
                        MAX_PENALISED_SOURCES, System::nanoTime), refusals);
    }

    /** Binds {@code settings.adminBind()} and serves; throws BindException when the address is taken. */
    public static AdminServer start(ObserveSettings settings, AdminTarget target) throws IOException {
        return start(settings, target, line -> LOG.log(System.Logger.Level.WARNING, line));
    }

    /** As {@link #start(ObserveSettings, AdminTarget)}, the refusal log lines going to {@code log}. */
    static AdminServer start(ObserveSettings settings, AdminTarget target, Consumer<String> log) throws IOException {
        InetSocketAddress bind = settings.adminBind();
        HttpServer http;
        try {
            http = HttpServer.create(bind, 64);
        } catch (java.net.BindException e) {
            throw new java.net.BindException(bind.getHostString() + ":" + bind.getPort() + " (admin endpoint): " + e.getMessage());
        }
        OwnedThreads threads = new OwnedThreads("admin :" + http.getAddress().getPort());
        AdminServer admin = new AdminServer(http, threads, settings, target, log);
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
        AdminGuard.Refusal refusal = guard.check(x);
        if (refusal != null) {
            if (refusal.status() == 401) {
                x.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            }
            if (refusal.retryAfterSeconds() > 0) {
                x.getResponseHeaders().set("Retry-After", Long.toString(refusal.retryAfterSeconds()));
            }
            send(x, refusal.status(), JSON_TYPE, error(refusal.answer()));
            return;
        }
        if (x.getRequestURI().getPath().equals("/healthz")) {
            send(x, 200, "text/plain; charset=utf-8", "ok\n");
            return;
        }
        try {
            byte[] body;
            try (InputStream in = x.getRequestBody()) {
                body = in.readNBytes(AdminRequest.MAX_BODY + 1);
            }
            if (InspectorApi.handles(x.getRequestURI().getPath())) {
                requests(x, body);
                return;
            }
            AdminRequest r = AdminRequest.parse(x.getRequestMethod(), x.getRequestURI().getPath(),
                    x.getRequestURI().getRawQuery(), body);
            switch (r.action()) {
                case INDEX -> sendJson(x, 200, AdminIndex.of(target.status()));
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
                case LOGIN_LINK -> sendJson(x, 200, Map.of("url", "http://" + x.getRequestHeaders().getFirst("Host")
                        + AdminRequest.LOGIN_PATH + "?code=" + browser.newCode(), "expiresSeconds", LOGIN_LINK_LIFETIME.toSeconds()));
                case LOGIN -> {
                    // The guard redeemed the code: hand the browser the session and send it on to a page.
                    x.getResponseHeaders().set("Set-Cookie", browser.setCookie());
                    x.getResponseHeaders().set("Location", "/api/status");
                    send(x, 303, "text/plain; charset=utf-8", "");
                }
            }
        } catch (AdminException e) {
            send(x, e.httpStatus(), JSON_TYPE, error(e.getMessage()));
        }
    }

    /** {@code /api/requests…}: the client's request inspector answers (docs/DASHBOARD.md, "Inspector API"). */
    private void requests(HttpExchange x, byte[] body) throws IOException {
        Inspector inspector = target.inspector();
        if (inspector == null) {
            send(x, 404, JSON_TYPE, error("no request inspector here: it runs in a client with http tunnels"));
            return;
        }
        InspectorApi.Reply reply = inspector.api().handle(x.getRequestMethod(), x.getRequestURI().getPath(),
                x.getRequestURI().getRawQuery(), body);
        sendJson(x, reply.status(), reply.body());
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
        x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        x.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
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
        refusals.flush();
    }
}
