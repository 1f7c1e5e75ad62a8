package io.loomtunnel.internal.h2;

/** One decoded header field (names lowercase by HTTP/2's rules, not checked here); bytes as ISO-8859-1. */
public record HeaderField(String name, String value) {
    /** Its size in the sense of RFC 7541 4.1 (and of SETTINGS_MAX_HEADER_LIST_SIZE). */
    public long size() {
        return name.length() + value.length() + 32L;
    }
}
