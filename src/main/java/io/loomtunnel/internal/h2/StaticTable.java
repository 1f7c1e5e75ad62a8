package io.loomtunnel.internal.h2;

import java.util.HashMap;
import java.util.Map;

/** HPACK's static table (RFC 7541 Appendix A), indexes 1 to 61. */
final class StaticTable {
    static final int SIZE = 61;
    /** Name and value of entry i+1 at 2i and 2i+1. */
    private static final String[] ENTRIES = {
        ":authority", "", ":method", "GET", ":method", "POST", ":path", "/", ":path", "/index.html",
        ":scheme", "http", ":scheme", "https", ":status", "200", ":status", "204", ":status", "206", ":status", "304",
        ":status", "400", ":status", "404", ":status", "500", "accept-charset", "",
        "accept-encoding", "gzip, deflate", "accept-language", "", "accept-ranges", "", "accept", "",
        "access-control-allow-origin", "", "age", "", "allow", "", "authorization", "", "cache-control", "",
        "content-disposition", "", "content-encoding", "", "content-language", "", "content-length", "",
        "content-location", "", "content-range", "", "content-type", "", "cookie", "", "date", "", "etag", "",
        "expect", "", "expires", "", "from", "", "host", "", "if-match", "", "if-modified-since", "",
        "if-none-match", "", "if-range", "", "if-unmodified-since", "", "last-modified", "", "link", "",
        "location", "", "max-forwards", "", "proxy-authenticate", "", "proxy-authorization", "", "range", "",
        "referer", "", "refresh", "", "retry-after", "", "server", "", "set-cookie", "",
        "strict-transport-security", "", "transfer-encoding", "", "user-agent", "", "vary", "", "via", "",
        "www-authenticate", "",
    };
    private static final Map<String, Integer> BY_NAME = new HashMap<>();
    private static final Map<String, Integer> BY_FIELD = new HashMap<>();

    static {
        for (int i = SIZE; i >= 1; i--) { // the lowest index wins
            BY_NAME.put(name(i), i);
            BY_FIELD.put(name(i) + '\0' + value(i), i);
        }
    }

    private StaticTable() {
    }

    static String name(int index) {
        return ENTRIES[2 * (index - 1)];
    }

    static String value(int index) {
        return ENTRIES[2 * (index - 1) + 1];
    }

    /** The index of the entry with exactly this name and value, or 0. */
    static int indexOf(String name, String value) {
        return BY_FIELD.getOrDefault(name + '\0' + value, 0);
    }

    /** The lowest index of an entry with this name, or 0. */
    static int indexOfName(String name) {
        return BY_NAME.getOrDefault(name, 0);
    }
}
