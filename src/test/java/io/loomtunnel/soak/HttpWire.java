package io.loomtunnel.soak;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The little of HTTP/1.1 the soak speaks by hand: a head up to its blank line, and a response body by length or chunks. */
final class HttpWire {
    static final int MAX_HEAD = 16 << 10;
    static final int MAX_BODY = 4 << 20;
    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.[01] (\\d{3})");

    /** A response: status, its head, its body, and whether the server will close the connection. */
    record Response(int status, String head, byte[] body, boolean close) {}

    private HttpWire() {}

    /** Reads a head through its blank line (at most {@link #MAX_HEAD} bytes). */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("the connection ended " + (b.size() == 0 ? "before a response" : "inside a head"));
            }
            if (b.size() >= MAX_HEAD) {
                throw new IOException("a head longer than " + MAX_HEAD + " bytes");
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** The value of header {@code name} in {@code head}, or null. */
    static String header(String head, String name) {
        Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + ":[ \\t]*(.*?)[ \\t]*\\r?$").matcher(head);
        return m.find() ? m.group(1) : null;
    }

    /** Reads one response to a request that was not HEAD. */
    static Response readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        Matcher status = STATUS.matcher(head);
        if (!status.find()) {
            throw new IOException("not an HTTP response: " + head.lines().findFirst().orElse(""));
        }
        String connection = header(head, "Connection");
        boolean close = connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
        String length = header(head, "Content-Length");
        String encoding = header(head, "Transfer-Encoding");
        byte[] body;
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = chunked(in);
        } else if (length != null) {
            int n = Integer.parseInt(length.strip());
            if (n < 0 || n > MAX_BODY) {
                throw new IOException("Content-Length " + n);
            }
            body = in.readNBytes(n);
            if (body.length < n) {
                throw new EOFException("the connection ended after " + body.length + " of " + n + " body bytes");
            }
        } else {
            body = new byte[0];
            close = true; // a body up to the end of the connection: we do not send such requests
        }
        return new Response(Integer.parseInt(status.group(1)), head, body, close);
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String line = line(in);
            int semicolon = line.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? line : line.substring(0, semicolon)).strip(), 16);
            if (size < 0 || body.size() + size > MAX_BODY) {
                throw new IOException("chunk of " + size + " bytes");
            }
            if (size == 0) {
                while (!line(in).isEmpty()) {
                    // trailers: none expected, skipped
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new EOFException("the connection ended inside a chunk");
            }
            body.write(chunk);
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("the connection ended inside a chunked body");
            }
            if (b.length() > 1_024) {
                throw new IOException("a chunk line longer than 1 KiB");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
