package io.loomtunnel.internal.http;

import java.nio.charset.StandardCharsets;

/** A parsed status line and header fields; {@code http11} is false for HTTP/1.0. */
record ResponseHead(int status, String reason, Fields fields, boolean http11) {

    /** A response of the ingress's own version, HTTP/1.1. */
    ResponseHead(int status, String reason, Fields fields) {
        this(status, reason, fields, true);
    }

    /** Whether the app's connection stays open after this response (RFC 9112 9.3): HTTP/1.1 without Connection: close. */
    boolean keepAlive() {
        return http11 && !fields.tokens("Connection").contains("close");
    }

    /**
     * Whether the body is a stream of messages that may pause for as long as the app likes:
     * Server-Sent Events ({@code text/event-stream}) or a gRPC call's ({@code application/grpc...}).
     */
    boolean messageStream() {
        return fields.contentTypeStartsWith("text/event-stream") || fields.contentTypeStartsWith("application/grpc");
    }

    boolean interim() {
        return status >= 100 && status < 200;
    }

    /** The head as sent to the client: always HTTP/1.1, the ingress's own version (RFC 9110 6.2). */
    byte[] encode() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        fields.appendTo(sb);
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
