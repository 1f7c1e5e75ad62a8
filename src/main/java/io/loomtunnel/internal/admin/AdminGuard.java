package io.loomtunnel.internal.admin;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.loomtunnel.internal.limits.PenaltyBox;
import io.loomtunnel.internal.limits.RefusalLog;
import io.loomtunnel.internal.limits.Sources;
import io.loomtunnel.session.TokenCheck;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a request reaches the admin endpoint's actions (docs/SECURITY.md, "Admin
 * endpoint"), in this order: a Host this endpoint serves (else 421: DNS rebinding); {@code
 * /healthz} needs nothing more; a source not blocked by its penalties (else 429); a request
 * with browser markers (Origin or Sec-Fetch-Site) must come from this endpoint's own origin
 * (else 403: cross-site request forgery) and hold the session cookie, or redeem a login code at
 * {@code /login} (an endpoint without a token, which is on loopback only, lets a browser of its
 * own origin in without the cookie, as it lets curl in without a token); one without markers (a
 * local tool, curl) needs the bearer token when one is set, its scheme in any case (RFC 9110
 * 11.1); a change (any method but GET and HEAD) needs
 * {@code Content-Type: application/json}, which no page can send to another origin without a
 * CORS preflight that this endpoint never grants (else 415). Every refusal goes to the
 * rate-limited {@link RefusalLog}; answers name nothing about the request.
 *
 * <p>No lock of its own; its parts lock their own state.
 */
final class AdminGuard {
    /** A refusal: the HTTP status, the one line answered, the reason logged, seconds to wait (0 for none). */
    record Refusal(int status, String answer, String reason, long retryAfterSeconds) {
        static final Refusal MISDIRECTED = new Refusal(421, "this endpoint does not serve that host name (see admin.allowed_hosts)",
                "foreign Host", 0);
        static final Refusal CROSS_SITE = new Refusal(403, "cross-site requests are refused", "cross-site request", 0);
        static final Refusal NO_SESSION = new Refusal(403, "a browser needs a login link: loomtunnel status --login-link",
                "browser without the session cookie", 0);
        static final Refusal BAD_LINK = new Refusal(403, "this login link is wrong, used or expired", "wrong login code", 0);
        static final Refusal NO_TOKEN = new Refusal(401, "missing or wrong bearer token", "no bearer token", 0);
        static final Refusal WRONG_TOKEN = new Refusal(401, NO_TOKEN.answer, "wrong bearer token", 0);
        static final Refusal NOT_JSON = new Refusal(415, "a change needs Content-Type: application/json", "not JSON", 0);

        static Refusal penalised(Duration left) {
            return new Refusal(429, "too many wrong credentials from this address: try again later", "penalised source",
                    Math.max(1, (left.toMillis() + 999) / 1000));
        }
    }

    private static final String BEARER = "bearer";
    private static final String JSON_TYPE = "application/json";

    private final AllowedHosts hosts;
    private final TokenCheck token;
    private final BrowserSession browser;
    private final PenaltyBox penalties;
    private final RefusalLog log;

    /** @param token the bearer token's check, or null when the endpoint has none (loopback only) */
    AdminGuard(AllowedHosts hosts, TokenCheck token, BrowserSession browser, PenaltyBox penalties, RefusalLog log) {
        this.hosts = hosts;
        this.token = token;
        this.browser = browser;
        this.penalties = penalties;
        this.log = log;
    }

    /** Null when the request may go on, else the refusal to answer (already logged). */
    Refusal check(HttpExchange x) {
        Refusal r = refusal(x);
        if (r != null) {
            log.refused(x.getRemoteAddress().getAddress().getHostAddress(), r.reason());
        }
        return r;
    }

    private Refusal refusal(HttpExchange x) {
        String source = Sources.of(x.getRemoteAddress().getAddress());
        Headers h = x.getRequestHeaders();
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getPath();
        List<String> host = h.get("Host");
        if (host == null || host.size() != 1 || !hosts.allows(host.getFirst())) {
            return Refusal.MISDIRECTED;
        }
        if (path.equals("/healthz")) {
            return null;
        }
        Duration blocked = penalties.blocked(source);
        if (!blocked.isZero()) {
            return Refusal.penalised(blocked);
        }
        boolean fromBrowser = h.containsKey("Origin") || h.containsKey("Sec-Fetch-Site");
        if (fromBrowser && !sameOrigin(h, host.getFirst())) {
            return Refusal.CROSS_SITE;
        }
        if (method.equals("GET") && path.equals(AdminRequest.LOGIN_PATH)) {
            return redeem(source, AdminRequest.parameter(x.getRequestURI().getRawQuery(), "code"));
        }
        Refusal credentials = token == null ? null
                : fromBrowser ? (browser.heldBy(h.get("Cookie")) ? null : Refusal.NO_SESSION) : bearer(source, h);
        if (credentials != null) {
            return credentials;
        }
        boolean change = !method.equals("GET") && !method.equals("HEAD");
        return change && !isJson(h.getFirst("Content-Type")) ? Refusal.NOT_JSON : null;
    }

    /**
     * Whether the browser reached the endpoint over TLS: a proxy on this machine (the request comes from a loopback
     * address) terminated it and says so with {@code X-Forwarded-Proto: https}. Anyone else's header is ignored: it
     * could only make the cookie Secure, which a browser on plain http then drops.
     */
    static boolean viaTls(HttpExchange x) {
        String proto = x.getRequestHeaders().getFirst("X-Forwarded-Proto");
        return proto != null && proto.strip().equalsIgnoreCase("https") && x.getRemoteAddress().getAddress().isLoopbackAddress();
    }

    /** Every Origin is this endpoint's own (http or https, for a TLS proxy in front) and Sec-Fetch-Site says so too. */
    private static boolean sameOrigin(Headers h, String host) {
        List<String> origins = h.getOrDefault("Origin", List.of());
        List<String> sites = h.getOrDefault("Sec-Fetch-Site", List.of());
        return origins.stream().allMatch(o -> o.equalsIgnoreCase("http://" + host) || o.equalsIgnoreCase("https://" + host))
                && sites.stream().allMatch(s -> s.equals("same-origin") || s.equals("none"));
    }

    private Refusal redeem(String source, String code) {
        if (code == null || code.isEmpty()) {
            return null; // AdminRequest says what is missing
        }
        if (browser.redeem(code)) {
            return null;
        }
        penalties.failed(source);
        return Refusal.BAD_LINK;
    }

    private Refusal bearer(String source, Headers h) {
        if (token == null) {
            return null;
        }
        String field = h.getFirst("Authorization");
        int space = field == null ? -1 : field.indexOf(' ');
        String presented = space < 0 || !field.substring(0, space).equalsIgnoreCase(BEARER) ? "" : field.substring(space + 1).strip();
        if (presented.isEmpty()) {
            return Refusal.NO_TOKEN;
        }
        if (token.indexOf(presented) >= 0) {
            return null;
        }
        penalties.failed(source);
        return Refusal.WRONG_TOKEN;
    }

    /** The media type, without parameters and in any case, is application/json. */
    private static boolean isJson(String contentType) {
        return contentType != null
                && contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT).equals(JSON_TYPE);
    }
}
