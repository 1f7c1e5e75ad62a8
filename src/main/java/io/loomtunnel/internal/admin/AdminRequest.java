package io.loomtunnel.internal.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * One admin request as the endpoint understands it (docs/METRICS.md, "Admin endpoint"): what to
 * do and on what, parsed from the method, the path, the query and the body. Anything else is an
 * {@link AdminException} with the HTTP status to answer.
 *
 * @param subject the session id (kick), tunnel name (close), login code (login) or asset name (asset); null otherwise
 * @param lines for logs: how many lines
 * @param type for open: tcp, udp or http
 * @param spec for open: the tunnel as the client's flags take it
 */
record AdminRequest(Action action, String subject, int lines, String type, String spec) {
    static final int MAX_BODY = 16 * 1024;
    /** Where a browser redeems a one-time login code ({@code GET /login?code=CODE}). */
    static final String LOGIN_PATH = "/login";
    private static final int DEFAULT_LINES = 100;
    private static final JsonMapper JSON = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build()).build()).build();

    /** Where the dashboard's assets are served ({@code /ui/app.js}). */
    static final String ASSETS_PATH = "/ui/";

    enum Action { INDEX, METRICS, STATUS, LOGS, KICK, OPEN, CLOSE, LOGIN_LINK, LOGIN, TUNNELS, HISTORY, KEYS, EVENTS, ASSET }

    static AdminRequest parse(String method, String path, String query, byte[] body) throws AdminException {
        String[] s = path.split("/", -1);
        if (method.equals("GET")) {
            switch (path) {
                case "/" -> {
                    return of(Action.INDEX);
                }
                case "/metrics" -> {
                    return of(Action.METRICS);
                }
                case "/api/status" -> {
                    return of(Action.STATUS);
                }
                case "/api/tunnels" -> {
                    return of(Action.TUNNELS);
                }
                case "/api/history" -> {
                    return of(Action.HISTORY);
                }
                case "/api/keys" -> {
                    return of(Action.KEYS);
                }
                case "/api/events" -> {
                    return of(Action.EVENTS);
                }
                case "/api/logs" -> {
                    return new AdminRequest(Action.LOGS, null, lines(query), null, null);
                }
                case LOGIN_PATH -> {
                    String code = parameter(query, "code");
                    if (code == null || code.isEmpty()) {
                        throw new AdminException(AdminException.BAD_REQUEST, "a login link has a code: /login?code=CODE");
                    }
                    return new AdminRequest(Action.LOGIN, code, 0, null, null);
                }
                default -> {
                    if (path.startsWith(ASSETS_PATH)) {
                        return new AdminRequest(Action.ASSET, path.substring(ASSETS_PATH.length()), 0, null, null);
                    }
                }
            }
        } else if (method.equals("POST") && s.length == 5 && path.startsWith("/api/sessions/") && s[4].equals("kick")
                && !s[3].isEmpty()) {
            return new AdminRequest(Action.KICK, decode(s[3]), 0, null, null);
        } else if (method.equals("POST") && path.equals("/api/login-links")) {
            return of(Action.LOGIN_LINK);
        } else if (method.equals("POST") && path.equals("/api/tunnels")) {
            JsonNode json = object(body);
            return new AdminRequest(Action.OPEN, null, 0, text(json, "type"), text(json, "spec"));
        } else if (method.equals("DELETE") && s.length == 4 && path.startsWith("/api/tunnels/") && !s[3].isEmpty()) {
            return new AdminRequest(Action.CLOSE, decode(s[3]), 0, null, null);
        }
        throw new AdminException(AdminException.NOT_FOUND, "no " + method + " " + path + " here (see docs/METRICS.md)");
    }

    private static AdminRequest of(Action a) {
        return new AdminRequest(a, null, 0, null, null);
    }

    private static int lines(String query) throws AdminException {
        String n = parameter(query, "lines");
        if (n == null) {
            return DEFAULT_LINES;
        }
        try {
            return Math.max(0, Integer.parseInt(n));
        } catch (NumberFormatException e) {
            throw new AdminException(AdminException.BAD_REQUEST, "lines must be a number, got '" + shorter(n) + "'");
        }
    }

    /** The raw value of the first {@code name=} in a raw query (null for none); the values here need no decoding. */
    static String parameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static String decode(String segment) throws AdminException {
        try {
            return URLDecoder.decode(segment, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new AdminException(AdminException.BAD_REQUEST, "bad escape in the path");
        }
    }

    private static JsonNode object(byte[] body) throws AdminException {
        if (body.length > MAX_BODY) {
            throw new AdminException(AdminException.BAD_REQUEST, "request body larger than " + MAX_BODY + " bytes");
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new AdminException(AdminException.BAD_REQUEST, "request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new AdminException(AdminException.BAD_REQUEST, "request body is not JSON: "
                    + shorter(e.getOriginalMessage().lines().findFirst().orElse("")));
        } catch (java.io.IOException | RuntimeException e) {
            throw new AdminException(AdminException.BAD_REQUEST, "request body is not JSON");
        }
    }

    private static String text(JsonNode body, String member) throws AdminException {
        JsonNode v = body.get(member);
        if (v == null || !v.isTextual()) {
            throw new AdminException(AdminException.BAD_REQUEST, "request body needs a string \"" + member + "\"");
        }
        return v.textValue();
    }

    private static String shorter(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
