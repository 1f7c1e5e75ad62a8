package io.loomtunnel.internal.http;

import java.nio.charset.StandardCharsets;

/** A parsed request line and header fields; {@code http11} is false for HTTP/1.0. */
record RequestHead(String method, String target, boolean http11, Fields fields) {

    /** Whether the client's connection may carry another request after this one (RFC 9112 9.3). */
    boolean keepAlive() {
        var connection = fields.tokens("Connection");
        return http11 ? !connection.contains("close") : connection.contains("keep-alive");
    }

    /**
     * Whether the client asks to switch protocols: an Upgrade field named in Connection. Not to h2c
     * (RFC 7540 3.2, deprecated by RFC 9113): the app's HTTP/2 streams would then pass the ingress
     * as one spliced upgrade, past the per-request policies; such a request is served as HTTP/1.1
     * (its Upgrade and HTTP2-Settings dropped as hop-by-hop), and h2c comes by prior knowledge instead.
     */
    boolean upgrade() {
        return fields.has("Upgrade") && fields.tokens("Connection").contains("upgrade") && !fields.tokens("Upgrade").contains("h2c");
    }

    boolean expectsContinue() {
        return fields.tokens("Expect").contains("100-continue");
    }

    /** The head as sent upstream: always HTTP/1.1, since the ingress speaks 1.1 to the app. */
    byte[] encode() {
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        fields.appendTo(sb);
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
