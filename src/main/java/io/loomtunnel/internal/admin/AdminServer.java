package io.loomtunnel.internal.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.internal.concurrent.OwnedThreads;
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
 * The admin HTTP endpoint of a server or client (docs/METRICS.md, "Admin endpoint"), which is also
 * the dashboard (docs/DASHBOARD.md): Prometheus text at {@code /metrics}, JSON at {@code
 * /api/status}, {@code /api/tunnels}, {@code /api/history}, {@code /api/keys} and {@code
 * /api/logs}, live events at {@code /api/events} ({@link EventStream}), {@code /healthz}, the
 * console's actions (kick, open, close), and the page: {@code GET /} for a browser (Accept:
 * text/html) with its assets under {@code /ui/} ({@link DashboardAssets}). The JDK's HTTP server,
 * one virtual thread per request, at most {@value #MAX_REQUESTS} at once. Who gets in is {@link
 * AdminGuard}'s call (docs/SECURITY.md, "Admin endpoint"): a Host it serves, no foreign origin,
 * the bearer token (constant-time) or a browser's session cookie, JSON for changes, penalties per
 * source. Every answer says nosniff, no framing and a Content-Security-Policy: the page's allows
 * its own scripts, styles and requests and nothing else; every other answer's allows nothing.
 *
 * <p>Threads: requests run on the endpoint's own ({@code "loomtunnel admin :PORT: request"}), an
 * event stream on its request's thread; one more samples the history every {@link
 * History#INTERVAL} ({@code "... history"}); the JDK server's dispatcher thread is the JDK's,
 * ended by {@code stop}. {@link #close} stops the server, ends the event streams and joins its
 * threads. No lock: {@code inFlight} bounds the requests; the parts lock their own state.
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
    /** The page's policy: its own scripts, styles, images and requests; no inline code, no framing (docs/DASHBOARD.md). */
    static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    /** Every other answer's policy: nothing at all. */
    static final String NONE_POLICY = "default-src 'none'; frame-ancestors 'none'";

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
    private final EventHub events;
    private final Consumer<String> logEvents;
    private final History history = new History(History.POINTS);
    private final DashboardAssets assets = DashboardAssets.fromJar();
    private final EventStream streams = new EventStream(EventStream.LIFETIME, EventStream.PING, System::nanoTime);

    private AdminServer(HttpServer server, OwnedThreads threads, ObserveSettings settings, AdminTarget target,
                        Consumer<String> log) {
        this.server = server;
        this.threads = threads;
        this.target = target;
        this.logs = settings.logs() == null ? new LogRing(1) : settings.logs();
        EventHub own = target.events();
        this.events = own == null ? new EventHub() : own;
        this.logEvents = line -> events.publish("log", Map.of("line", line));
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
        admin.sample();
        threads.startEvery("history", History.INTERVAL, admin::sample);
        admin.logs.addListener(admin.logEvents);
        http.start();
        return admin;
    }

    /** Where it listens (the port is the real one when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The hub whose events {@code /api/events} streams (the target's, or the endpoint's own). */
    public EventHub events() {
        return events;
    }

    private void sample() {
        try {
            history.add(History.Point.of(System.currentTimeMillis(), target.status()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "admin endpoint: history sample failed: " + e);
        }
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
            AdminRequest r = AdminRequest.parse(x.getRequestMethod(), x.getRequestURI().getPath(),
                    x.getRequestURI().getRawQuery(), body);
            switch (r.action()) {
                case INDEX -> index(x);
                case ASSET -> asset(x, r.subject());
                case TUNNELS -> sendJson(x, 200, Map.of("tunnels", target.tunnels()));
                case HISTORY -> sendJson(x, 200, history.answer());
                case KEYS -> sendJson(x, 200, target.keys());
                case EVENTS -> stream(x);
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
                case LOGIN_LINK -> sendJson(x, 200, Map.of("url", (AdminGuard.viaTls(x) ? "https://" : "http://")
                        + x.getRequestHeaders().getFirst("Host") + AdminRequest.LOGIN_PATH + "?code=" + browser.newCode(),
                        "expiresSeconds", LOGIN_LINK_LIFETIME.toSeconds()));
                case LOGIN -> {
                    // The guard redeemed the code: hand the browser the session and send it on to the dashboard.
                    x.getResponseHeaders().set("Set-Cookie", browser.setCookie(AdminGuard.viaTls(x)));
                    x.getResponseHeaders().set("Location", "/");
                    send(x, 303, "text/plain; charset=utf-8", "");
                }
            }
        } catch (AdminException e) {
            send(x, e.httpStatus(), JSON_TYPE, error(e.getMessage()));
        }
    }

    /** The page for a browser (it asks for text/html), else the JSON index for tools. */
    private void index(HttpExchange x) throws IOException {
        x.getResponseHeaders().set("Vary", "Accept");
        String accept = x.getRequestHeaders().getFirst("Accept");
        DashboardAssets.Asset page = accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/html")
                ? assets.find(DashboardAssets.PAGE) : null;
        if (page == null) {
            sendJson(x, 200, AdminIndex.of(target.status()));
        } else {
            sendFile(x, 200, page);
        }
    }

    private void asset(HttpExchange x, String name) throws IOException {
        DashboardAssets.Asset a = assets.find(name);
        if (a == null) {
            send(x, 404, JSON_TYPE, error("no such file"));
        } else {
            sendFile(x, 200, a);
        }
    }

    /** Server-Sent Events until the stream's lifetime ends (see {@link EventStream}); 503 when enough streams run. */
    private void stream(HttpExchange x) throws IOException {
        EventHub.Subscriber subscriber = events.subscribe(lastEventId(x.getRequestHeaders().getFirst("Last-Event-ID")));
        if (subscriber == null) {
            x.getResponseHeaders().set("Retry-After", "5");
            send(x, 503, JSON_TYPE, error("too many event streams at once (at most " + EventHub.MAX_SUBSCRIBERS + ")"));
            return;
        }
        try (subscriber) {
            headers(x, "text/event-stream; charset=utf-8", false);
            x.getResponseHeaders().set("X-Accel-Buffering", "no"); // a proxy in front must not hold events back
            x.sendResponseHeaders(200, 0);
            try (OutputStream out = x.getResponseBody()) {
                streams.write(subscriber, out);
            }
        } catch (IOException gone) {
            // the reader went away: its subscription ends
        }
    }

    private static long lastEventId(String field) {
        try {
            return field == null ? 0 : Math.max(0, Long.parseLong(field.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String error(String message) throws JsonProcessingException {
        return JSON.writeValueAsString(Map.of("error", message));
    }

    private static void sendJson(HttpExchange x, int status, Object body) throws IOException {
        send(x, status, JSON_TYPE, JSON.writeValueAsString(body));
    }

    private static void sendFile(HttpExchange x, int status, DashboardAssets.Asset file) throws IOException {
        send(x, status, file.type(), file.bytes(), true);
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        send(x, status, type, body.getBytes(StandardCharsets.UTF_8), false);
    }

    private static void send(HttpExchange x, int status, String type, byte[] bytes, boolean page) throws IOException {
        headers(x, type, page);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The headers every answer has; the page and its assets ({@code page}) get the page's policy and are checked again each time. */
    private static void headers(HttpExchange x, String type, boolean page) {
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", page ? "no-cache" : "no-store");
        x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        x.getResponseHeaders().set("X-Frame-Options", "DENY");
        x.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        x.getResponseHeaders().set("Content-Security-Policy", page ? PAGE_POLICY : NONE_POLICY);
    }

    /** Stops listening, ends requests in flight and joins their threads within {@link OwnedThreads#DEFAULT_GRACE}. */
    @Override
    public void close() {
        logs.removeListener(logEvents);
        events.close();
        server.stop(0);
        threads.close();
        refusals.flush();
    }
}
