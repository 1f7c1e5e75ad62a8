package io.loomtunnel.internal.http;

import java.nio.charset.StandardCharsets;

/** The ingress's own error responses: a small HTML page for browsers, plain text for everything else. */
final class ErrorPages {
    private ErrorPages() {
    }

    /**
     * A complete response. {@code detail}: one sentence for a stranger, never anything internal
     * (see Refusal). {@code html}: the client accepts text/html; {@code headOnly}: a HEAD
     * request, so the same fields without the body; {@code connection}: the Connection value or null.
     */
    static byte[] response(int status, String detail, boolean html, boolean headOnly, String connection) {
        String title = status + " " + reason(status);
        String body = html
                ? "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>\n<body><h1>"
                        + title + "</h1>\n<p>" + escape(detail) + "</p>\n<hr><p>loomtunnel</p></body></html>\n"
                : title + "\n" + detail + "\n";
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(200)
                .append("HTTP/1.1 ").append(title).append("\r\n")
                .append("Content-Type: ").append(html ? "text/html" : "text/plain").append("; charset=utf-8\r\n")
                .append("Content-Length: ").append(content.length).append("\r\n")
                .append("Cache-Control: no-store\r\n");
        if (connection != null) {
            head.append("Connection: ").append(connection).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        if (headOnly) {
            return headBytes;
        }
        byte[] out = new byte[headBytes.length + content.length];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        System.arraycopy(content, 0, out, headBytes.length, content.length);
        return out;
    }

    /** The reason phrase of a status (RFC 9110 15) the ingress or a policy may answer with, or "" for one without a name here. */
    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "";
        };
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
