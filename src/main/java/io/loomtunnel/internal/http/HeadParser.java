package io.loomtunnel.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Parses request and response heads strictly by RFC 9112: every line ends in CRLF, names are
 * tokens, values hold no control characters, obs-fold is refused. Leniency is what request
 * smuggling lives on, so anything doubtful is a {@link MalformedHttpException}.
 */
final class HeadParser {
    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private HeadParser() {
    }

    /** {@code head}: the bytes of one head, from the start line through the empty line that ends it. */
    static RequestHead parseRequest(byte[] head) throws MalformedHttpException {
        List<String> lines = lines(head);
        String[] parts = lines.get(0).split(" ", -1);
        if (parts.length != 3) {
            throw new MalformedHttpException("request line is not method SP target SP version");
        }
        if (!isToken(parts[0])) {
            throw new MalformedHttpException("method is not a token");
        }
        if (parts[1].isEmpty() || !all(parts[1], c -> c > 0x20 && c < 0x7f)) {
            throw new MalformedHttpException("request target is empty or holds a character outside VCHAR");
        }
        return new RequestHead(parts[0], parts[1], http11(parts[2]), fields(lines.subList(1, lines.size())));
    }

    static ResponseHead parseResponse(byte[] head) throws MalformedHttpException {
        List<String> lines = lines(head);
        String line = lines.get(0);
        // status-line = HTTP-version SP 3DIGIT SP [ reason ]; "HTTP/1.1 200" without the SP is common, so allowed.
        if (line.length() < 12 || line.charAt(8) != ' ' || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new MalformedHttpException("bad status line");
        }
        boolean http11 = http11(line.substring(0, 8));
        String code = line.substring(9, 12);
        if (!all(code, c -> c >= '0' && c <= '9') || code.charAt(0) == '0') {
            throw new MalformedHttpException("bad status code");
        }
        String reason = line.length() > 12 ? line.substring(13) : "";
        if (!isFieldValue(reason)) {
            throw new MalformedHttpException("bad reason phrase");
        }
        return new ResponseHead(Integer.parseInt(code), reason, fields(lines.subList(1, lines.size())), http11);
    }

    /** Field lines (of a head or a trailer section), each without its CRLF. */
    static Fields fields(List<String> lines) throws MalformedHttpException {
        List<Field> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (line.startsWith(" ") || line.startsWith("\t")) {
                throw new MalformedHttpException("obs-fold (a line starting with whitespace)");
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new MalformedHttpException("field line without a colon");
            }
            String name = line.substring(0, colon);
            if (!isToken(name)) {
                throw new MalformedHttpException("field name is not a token");
            }
            String value = trimOws(line.substring(colon + 1));
            if (!isFieldValue(value)) {
                throw new MalformedHttpException("control character in the value of " + name);
            }
            out.add(new Field(name, value));
        }
        return new Fields(out);
    }

    /** Splits at CRLF; a bare LF or a missing final empty line is malformed (bare CR fails the character checks). */
    private static List<String> lines(byte[] head) throws MalformedHttpException {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < head.length; i++) {
            if (head[i] != '\n') {
                continue;
            }
            if (i == start || head[i - 1] != '\r') {
                throw new MalformedHttpException("line ends in a bare LF");
            }
            if (i - 1 == start) {
                if (i + 1 != head.length || lines.isEmpty()) {
                    throw new MalformedHttpException("empty line inside the head");
                }
                return lines;
            }
            lines.add(new String(head, start, i - 1 - start, StandardCharsets.ISO_8859_1));
            start = i + 1;
        }
        throw new MalformedHttpException("head does not end with an empty line");
    }

    private static boolean http11(String version) throws MalformedHttpException {
        return switch (version) {
            case "HTTP/1.1" -> true;
            case "HTTP/1.0" -> false;
            default -> throw new MalformedHttpException("unsupported version");
        };
    }

    /** Removes SP and HTAB (OWS) at both ends; String.strip would also eat other control characters. */
    private static String trimOws(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || TOKEN_SYMBOLS.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** field-value: VCHAR, obs-text, SP and HTAB; every other control character (CR, LF, NUL, DEL) is refused. */
    private static boolean isFieldValue(String s) {
        return all(s, c -> c == '\t' || (c >= 0x20 && c != 0x7f));
    }

    /**
     * Whether every char of {@code s} passes {@code test} (true for ""): String.chars().allMatch
     * without its stream objects, which were a tenth of the ingress's allocation per request.
     */
    static boolean all(String s, IntPredicate test) {
        for (int i = 0; i < s.length(); i++) {
            if (!test.test(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
