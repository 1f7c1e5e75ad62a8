package io.loomtunnel.internal.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.loomtunnel.observe.Status;
import io.loomtunnel.session.AuthenticationException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Talks to a server's or client's admin endpoint (docs/METRICS.md): status, logs and the
 * console's actions. Every failure is an IOException with one line for the operator: a
 * {@link ConnectException} when nothing answers or what answers is not a loomtunnel admin
 * endpoint (a wrong port, another web server), an {@link AuthenticationException} when the token
 * is missing or wrong.
 */
public final class AdminClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param base e.g. http://127.0.0.1:9090; @param token the bearer token, or null */
    public AdminClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    public URI base() {
        return base;
    }

    public Status status() throws IOException {
        return parseStatus(send(request("/api/status").GET()));
    }

    /** The status as the endpoint sent it, once it is known to be loomtunnel's. */
    public String statusJson() throws IOException {
        String body = send(request("/api/status").GET());
        parseStatus(body);
        return body;
    }

    private Status parseStatus(String body) throws IOException {
        try {
            Status s = JSON.readValue(body, Status.class);
            if (s == null || s.role() == null || s.totals() == null || s.throughput() == null || s.sessions() == null) {
                throw notAnEndpoint("its answer to GET /api/status is JSON, but not loomtunnel's status");
            }
            return s;
        } catch (JsonProcessingException e) {
            throw notAnEndpoint("its answer to GET /api/status is not loomtunnel's status ("
                    + e.getOriginalMessage().lines().findFirst().orElse("") + ")");
        }
    }

    public List<String> logs(int lines) throws IOException {
        JsonNode node = json(send(request("/api/logs?lines=" + lines).GET()));
        List<String> out = new ArrayList<>();
        node.path("lines").forEach(l -> out.add(l.asText()));
        return out;
    }

    public void kick(String session) throws IOException {
        send(change("/api/sessions/" + encode(session) + "/kick").POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Status.Tunnel open(String type, String spec) throws IOException {
        String body = JSON.writeValueAsString(Map.of("type", type, "spec", spec));
        try {
            return JSON.readValue(send(change("/api/tunnels").POST(HttpRequest.BodyPublishers.ofString(body))),
                    Status.Tunnel.class);
        } catch (JsonProcessingException e) {
            throw new IOException("unexpected answer to open: " + e.getOriginalMessage());
        }
    }

    public void close(String tunnel) throws IOException {
        send(change("/api/tunnels/" + encode(tunnel)).DELETE());
    }

    /** A one-time link that lets a browser in (docs/SECURITY.md, "Admin endpoint"). */
    public URI loginLink() throws IOException {
        String url = json(send(change("/api/login-links").POST(HttpRequest.BodyPublishers.ofString("{}")))).path("url").asText();
        try {
            return new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IOException("unexpected answer to a login link request: " + e.getMessage());
        }
    }

    /** A request that changes something: the endpoint wants JSON for those, so no web page can send one. */
    private HttpRequest.Builder change(String path) {
        return request(path).header("Content-Type", "application/json");
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private String send(HttpRequest.Builder request) throws IOException {
        HttpRequest built = request.build();
        HttpResponse<String> r;
        try {
            r = http.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ConnectException("cannot reach the admin endpoint at " + base + " (is the server or client running"
                    + " with --admin-bind?)");
        } catch (HttpTimeoutException e) {
            throw notAnEndpoint("no HTTP answer within " + TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            // Something listens there, but it does not speak HTTP: a control port, a TLS port, another protocol.
            throw notAnEndpoint("not an HTTP answer (" + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse("")) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
        String error = errorOf(r);
        if (r.statusCode() != 200 && error == null) {
            throw notAnEndpoint("HTTP " + r.statusCode() + " to " + built.method() + " " + built.uri().getRawPath()
                    + ", not a loomtunnel answer");
        }
        if (r.statusCode() == 401) {
            throw new AuthenticationException("the admin endpoint at " + base + " wants a token: give --admin-token-file"
                    + " or LOOMTUNNEL_ADMIN_TOKEN" + (token == null ? "" : " (the one given is wrong)"));
        }
        if (r.statusCode() == 429) {
            throw new AuthenticationException("the admin endpoint at " + base + " refuses this address for "
                    + r.headers().firstValue("Retry-After").orElse("some") + " s after wrong tokens");
        }
        if (r.statusCode() != 200) {
            throw new IOException(error.lines().findFirst().orElse("HTTP " + r.statusCode()));
        }
        return r.body();
    }

    /**
     * The one line of a loomtunnel error answer ({@code {"error": "..."}} as JSON), or null when the
     * answer is not one: whatever answered is not a loomtunnel admin endpoint.
     */
    private static String errorOf(HttpResponse<String> r) {
        if (!r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            return null;
        }
        try {
            JsonNode error = JSON.readTree(r.body()).get("error");
            return error != null && error.isTextual() ? error.textValue() : null;
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    /**
     * What a user gets when the address answers, but not as a loomtunnel admin endpoint: one line
     * with what was reached and what was expected; a ConnectException, as the endpoint was not reached.
     */
    private ConnectException notAnEndpoint(String what) {
        return new ConnectException(base + " is not a loomtunnel admin endpoint: " + what
                + " (expected the address given to --admin-bind of a server, client, share or connect)");
    }

    private static JsonNode json(String text) throws IOException {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IOException("not JSON: " + e.getOriginalMessage());
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
