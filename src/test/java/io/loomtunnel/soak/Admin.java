package io.loomtunnel.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The admin endpoints of the server and client B (docs/METRICS.md): streams open now, and kicking sessions. */
final class Admin {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** {@code /api/status} of the endpoint on 127.0.0.1:{@code port}. */
    JsonNode status(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(port, "/api/status")).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET /api/status on port " + port + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Streams open now, as {@code totals.streams} of the status says. */
    long openStreams(int port) throws IOException, InterruptedException {
        return status(port).path("totals").path("streams").asLong(-1);
    }

    /**
     * Kicks the server's sessions (server admin on {@code port}); with {@code tunnel} non-null only
     * the sessions holding a tunnel of that name. Returns how many were kicked.
     */
    int kick(int port, String tunnel) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        for (JsonNode session : status(port).path("sessions")) {
            boolean holds = tunnel == null;
            for (JsonNode t : session.path("tunnels")) {
                holds |= tunnel != null && tunnel.equals(t.path("name").asText());
            }
            if (holds) {
                ids.add(session.path("id").asText());
            }
        }
        for (String id : ids) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(port, "/api/sessions/" + id + "/kick"))
                    .timeout(TIMEOUT).header("Content-Type", "application/json") // every change must say so (SECURITY.md)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 && r.statusCode() != 404) { // 404: it ended meanwhile
                throw new IOException("kick " + id + ": " + r.statusCode() + " " + r.body());
            }
        }
        return ids.size();
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
