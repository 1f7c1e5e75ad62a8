package io.loomtunnel.internal.inspect;

import java.util.List;
import java.util.Locale;

/**
 * The head of one HTTP/1.x request or response as the inspector read it: its first line, its
 * header fields in order, and its size in bytes on the wire.
 */
record MessageHead(String line, List<Header> headers, int size) {
    MessageHead {
        headers = List.copyOf(headers);
    }

    /** The first value of header {@code name} (any case), or null. */
    String first(String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    /** Whether some value of header {@code name} lists {@code token} (comma-separated, any case). */
    boolean lists(String name, String token) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                for (String t : h.value().split(",")) {
                    if (t.strip().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** A request's method (the first word of its line). */
    String method() {
        return line.substring(0, line.indexOf(' '));
    }

    /** A request's target (the second word of its line). */
    String target() {
        int a = line.indexOf(' ');
        return line.substring(a + 1, line.indexOf(' ', a + 1));
    }

    /** A response's status code (checked by the parser to be three digits). */
    int status() {
        return Integer.parseInt(line.substring(9, 12));
    }

    /** The media type of the body, lower case without parameters, or "" when none is given. */
    String mediaType() {
        String type = first("Content-Type");
        return type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    }
}
