package io.loomtunnel.plugin;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A whole response a policy sends itself, instead of the service's. The ingress adds the framing
 * fields ({@code Content-Length}, {@code Connection}).
 *
 * @param status the status code, 200 to 599
 * @param headers the header fields
 * @param body the body (not copied: do not change it after)
 */
public record Response(int status, Headers headers, byte[] body) {
    /**
     * Checks the status.
     *
     * @param status the status code, 200 to 599
     * @param headers the header fields
     * @param body the body
     */
    public Response {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("a policy's response status must be 200 to 599, got " + status);
        }
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    /**
     * A plain-text response.
     *
     * @param status the status code, 200 to 599
     * @param text the body, sent as UTF-8 text/plain
     * @return the response
     */
    public static Response text(int status, String text) {
        return new Response(status, Headers.of("Content-Type", "text/plain; charset=utf-8"),
                text.getBytes(StandardCharsets.UTF_8));
    }
}
