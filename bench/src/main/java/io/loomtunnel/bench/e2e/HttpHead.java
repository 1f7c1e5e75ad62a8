package io.loomtunnel.bench.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The little HTTP/1.1 the bench's HTTP service and load generator need: a head read off a stream, and two of its fields. */
final class HttpHead {
    private static final int MAX_BYTES = 16 * 1024;

    private HttpHead() {}

    /**
     * The head up to the empty line that ends it (excluded), or null when the stream ends before its
     * first byte. Read byte by byte: give it a buffered stream.
     */
    static String read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int matched = 0; // of "\r\n\r\n"
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("EOF inside an HTTP head");
            }
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
            head.write(b);
            if (head.size() > MAX_BYTES) {
                throw new IOException("HTTP head longer than " + MAX_BYTES + " bytes");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1).substring(0, head.size() - 4);
    }

    /** Content-Length, or 0 when there is none. */
    static long contentLength(String head) {
        String value = field(head, "content-length");
        return value == null ? 0 : Long.parseLong(value);
    }

    /** Whether the sender closes the connection after this message (Connection: close, or HTTP/1.0). */
    static boolean closes(String head) {
        String connection = field(head, "connection");
        if (connection != null) {
            return connection.equalsIgnoreCase("close");
        }
        String firstLine = head.split("\r\n", 2)[0];
        return firstLine.startsWith("HTTP/1.0") || firstLine.endsWith("HTTP/1.0");
    }

    private static String field(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
