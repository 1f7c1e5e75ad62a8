package io.loomtunnel.internal.admin;

import io.loomtunnel.observe.Status;
import java.util.List;

/**
 * What {@code GET /} answers (docs/METRICS.md, "Admin endpoint"): what this is, whose endpoint,
 * and the requests it takes, so the address a server or client prints leads somewhere useful.
 *
 * @param service always "loomtunnel admin endpoint"
 * @param role server, client, share or connect
 * @param version the software, e.g. loomtunnel/0.1.0
 * @param endpoints the requests this endpoint takes
 * @param docs where they are described
 */
record AdminIndex(String service, String role, String version, List<Endpoint> endpoints, String docs) {
    /** One request: method, path, what it does. */
    record Endpoint(String method, String path, String about) {}

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/", "this index; a browser (Accept: text/html) gets the dashboard (docs/DASHBOARD.md)"),
            new Endpoint("GET", "/api/status", "sessions, tunnels, totals and throughput (JSON)"),
            new Endpoint("GET", "/api/tunnels", "the tunnels now (JSON)"),
            new Endpoint("GET", "/api/history", "totals, RTT, sessions and streams every 5 s, the last 15 minutes (JSON)"),
            new Endpoint("GET", "/api/keys", "this endpoint's id and the keys it trusts (JSON)"),
            new Endpoint("GET", "/api/events", "live request, tunnel, session and log events (Server-Sent Events)"),
            new Endpoint("GET", "/api/requests", "the request inspector's latest HTTP exchanges, newest first (client)"),
            new Endpoint("GET", "/api/requests/ID", "one exchange: heads, bodies, timing (client)"),
            new Endpoint("POST", "/api/requests/ID/replay", "send it again to the local service, edits optional (client)"),
            new Endpoint("DELETE", "/api/requests", "forget the captured exchanges (client)"),
            new Endpoint("GET", "/metrics", "every meter, Prometheus text"),
            new Endpoint("GET", "/api/logs?lines=N", "recent log lines (JSON)"),
            new Endpoint("GET", "/healthz", "ok while running; needs no token"),
            new Endpoint("POST", "/api/sessions/ID/kick", "end a session (server, share, connect)"),
            new Endpoint("POST", "/api/tunnels", "open a tunnel: {\"type\": \"tcp\", \"spec\": \"...\"} (client)"),
            new Endpoint("DELETE", "/api/tunnels/NAME", "close a tunnel (client)"),
            new Endpoint("POST", "/api/login-links", "a one-time link that lets a browser in"));

    static AdminIndex of(Status status) {
        return new AdminIndex("loomtunnel admin endpoint", status.role(), status.version(), ENDPOINTS,
                "docs/METRICS.md, \"Admin endpoint\"");
    }
}
