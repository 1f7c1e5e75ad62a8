package io.loomtunnel.internal.h2;

import java.util.Set;

/** One decoded header field (names lowercase by HTTP/2's rules, not checked here); bytes as ISO-8859-1. */
public record HeaderField(String name, String value) {
    /**
     * The connection-specific fields HTTP/2 forbids (RFC 9113 8.2.2): dropped when an HTTP/1.1
     * head becomes HTTP/2 fields, refused in fields that came as HTTP/2 ({@code te} aside, which a
     * request may send as {@code trailers}).
     */
    public static final Set<String> CONNECTION_SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "te");

    /** Its size in the sense of RFC 7541 4.1 (and of SETTINGS_MAX_HEADER_LIST_SIZE). */
    public long size() {
        return name.length() + value.length() + 32L;
    }
}
