package io.loomtunnel.internal.inspect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin endpoint's {@code /api/requests} routes (docs/DASHBOARD.md, "Inspector API"): the
 * list with filters, one exchange in full, replay, and clearing. The endpoint does the guarding
 * (Host, origin, token, JSON for changes) and writes the reply as JSON.
 */
public final class InspectorApi {
    /** Largest replay body accepted (the admin endpoint reads no more). */
    static final int MAX_BODY = 16 * 1024;
    private static final int DEFAULT_LIMIT = 100;
    private static final String PREFIX = "/api/requests";
    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build()).build()).build();

    /** What to answer: an HTTP status and a body for the JSON writer. */
    public record Reply(int status, Object body) {}

    private final Inspector inspector;

    InspectorApi(Inspector inspector) {
        this.inspector = inspector;
    }

    /** Whether {@code path} is one of these routes. */
    public static boolean handles(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /** Answers one request (the path one that {@link #handles}; the query raw; the body at most a little over {@value #MAX_BODY} bytes). */
    public Reply handle(String method, String path, String rawQuery, byte[] body) {
        try {
            return route(method, path, rawQuery, body);
        } catch (InspectException e) {
            return new Reply(e.status, Map.of("error", e.getMessage()));
        }
    }

    private Reply route(String method, String path, String query, byte[] body) throws InspectException {
        String[] s = path.split("/", -1); // "", "api", "requests", id, "replay"
        if (s.length == 3) {
            return switch (method) {
                case "GET" -> new Reply(200, Map.of("requests", list(query)));
                case "DELETE" -> new Reply(200, Map.of("cleared", inspector.store().clear()));
                default -> throw notHere(method, path);
            };
        }
        Exchange e = s.length >= 4 && s.length <= 5 ? inspector.store().get(s[3]) : null;
        if (s.length == 4 && method.equals("GET")) {
            return new Reply(200, detail(found(e, s[3])));
        }
        if (s.length == 5 && s[4].equals("replay") && method.equals("POST")) {
            return new Reply(200, Map.of("id", inspector.replayer().replay(found(e, s[3]), edits(body))));
        }
        throw notHere(method, path);
    }

    private static InspectException notHere(String method, String path) {
        return new InspectException(404, "no " + method + " " + path + " here (see docs/DASHBOARD.md)");
    }

    private static Exchange found(Exchange e, String id) throws InspectException {
        if (e == null) {
            throw new InspectException(404, "no request " + shorter(id) + " here (it may have been dropped: the inspector keeps the latest)");
        }
        return e;
    }

    private List<ExchangeSummary> list(String query) throws InspectException {
        String tunnel = parameter(query, "tunnel");
        String status = parameter(query, "status");
        String path = parameter(query, "path");
        String limitText = parameter(query, "limit");
        int limit = DEFAULT_LIMIT;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 0) {
                throw new InspectException(400, "limit must be a number from 0, got '" + shorter(limitText) + "'");
            }
        }
        if (status != null && !status.matches("[1-5](xx|\\d\\d)")) {
            throw new InspectException(400, "status must be a code like 404 or a class like 2xx, got '" + shorter(status) + "'");
        }
        List<ExchangeSummary> out = new ArrayList<>();
        for (Exchange e : inspector.store().newestFirst()) {
            if (out.size() >= limit) {
                break;
            }
            if (tunnel != null && !e.tunnel.equals(tunnel)) {
                continue;
            }
            ExchangeSummary summary = ExchangeSummary.of(e.snapshot(false));
            if (matches(summary, status, path)) {
                out.add(summary);
            }
        }
        return out;
    }

    private static boolean matches(ExchangeSummary s, String status, String path) {
        if (status != null) {
            if (s.status() == null) {
                return false;
            }
            String code = s.status().toString();
            if (status.endsWith("xx") ? code.charAt(0) != status.charAt(0) : !code.equals(status)) {
                return false;
            }
        }
        return path == null || s.path().contains(path);
    }

    /** The exchange in full: the summary's members, then the two messages and the timing. */
    private Map<String, Object> detail(Exchange e) {
        Exchange.Snapshot s = e.snapshot(true);
        boolean unmask = inspector.config().unmask();
        Map<String, Object> out = new LinkedHashMap<>(JSON.convertValue(ExchangeSummary.of(s), Map.class));
        out.put("upgraded", s.upgraded());
        out.put("note", s.note());
        out.put("request", message(s.request(), BodyView.of(s.request(), s.requestSize(), s.requestCaptured(), s.requestBytes()), unmask));
        out.put("response", s.response() == null ? null
                : message(s.response(), BodyView.of(s.response(), s.responseSize(), s.responseCaptured(), s.responseBytes()), unmask));
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("requestSentMillis", s.requestSentMillis());
        timing.put("firstByteMillis", s.firstByteMillis());
        timing.put("endMillis", s.endMillis());
        out.put("timing", timing);
        return out;
    }

    private static Map<String, Object> message(MessageHead head, BodyView body, boolean unmask) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("line", head.line());
        h.put("headers", HeaderMask.shown(head.headers(), unmask));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("head", h);
        out.put("body", body);
        return out;
    }

    /** The replay's edits: an empty body is none; else a JSON object with optional method, path, headers, body. */
    static ReplayEdits edits(byte[] body) throws InspectException {
        if (body.length > MAX_BODY) {
            throw new InspectException(400, "request body larger than " + MAX_BODY + " bytes");
        }
        if (new String(body, StandardCharsets.UTF_8).isBlank()) {
            return ReplayEdits.NONE;
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (java.io.IOException | RuntimeException e) {
            throw new InspectException(400, "request body is not JSON");
        }
        if (json == null || !json.isObject()) {
            throw new InspectException(400, "request body must be a JSON object");
        }
        List<Header> headers = null;
        JsonNode h = json.get("headers");
        if (h != null && !h.isNull()) {
            if (!h.isArray()) {
                throw new InspectException(400, "headers must be a list of [name, value] pairs");
            }
            headers = new ArrayList<>();
            for (JsonNode pair : h) {
                if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isTextual()) {
                    throw new InspectException(400, "headers must be a list of [name, value] pairs");
                }
                headers.add(new Header(pair.get(0).textValue(), pair.get(1).textValue()));
            }
        }
        return new ReplayEdits(text(json, "method"), text(json, "path"), headers, text(json, "body"));
    }

    private static String text(JsonNode json, String member) throws InspectException {
        JsonNode v = json.get(member);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InspectException(400, member + " must be a string");
        }
        return v.textValue();
    }

    /** The decoded value of the first {@code name=} in a raw query, or null. */
    private static String parameter(String query, String name) throws InspectException {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                try {
                    return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new InspectException(400, "bad escape in " + name);
                }
            }
        }
        return null;
    }

    private static String shorter(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
