package io.loomtunnel.internal.http;

import io.loomtunnel.internal.h2.HeaderField;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;

/**
 * The HTTP/1.1 requests of one connection, read one after another with the ingress's own strict
 * parser ({@link HeadParser}, {@link BodyFraming}, {@link BodyReader} with {@link ChunkedInput}), for
 * a reader outside this package: the client's bridge to an h2c local service
 * ({@code internal.h2.upstream}). Anything the ingress would refuse is an IOException here.
 *
 * <p>Not thread-safe: one reading thread at a time.
 */
public final class Http1Requests {
    /** How long a head may take: the stream's own close path bounds the wait instead. */
    private static final long NO_DEADLINE = 365L * 24 * 3600 * 1_000_000_000L;

    /**
     * One request head.
     *
     * @param method the method
     * @param target the request target as sent
     * @param fields the header fields in order, names as received
     * @param connectionOptions the Connection field's options, lowercased (the fields they name are hop-by-hop)
     * @param trailers whether TE lists {@code trailers}
     * @param body   whether a body follows (by Content-Length or chunked)
     */
    public record Head(String method, String target, List<HeaderField> fields, Set<String> connectionOptions, boolean trailers,
                       boolean body) {}

    private final BufferedInput in;
    private BodyReader body;

    /** Over {@code in}, with heads (and chunk lines, trailer sections) of at most {@code maxHeadBytes}. */
    public Http1Requests(InputStream in, int maxHeadBytes) {
        this.in = new BufferedInput(in, t -> { }, maxHeadBytes);
    }

    /**
     * The next request's head, or null at end of stream before its first byte. The body of the
     * request before must have been read to its end.
     */
    public Head next() throws IOException {
        byte[] bytes = in.readHead(System.nanoTime() + NO_DEADLINE);
        if (bytes == null) {
            return null;
        }
        RequestHead head = HeadParser.parseRequest(bytes);
        BodyFraming framing = BodyFraming.forRequest(head);
        body = new BodyReader(framing, in);
        List<HeaderField> fields = head.fields().list().stream().map(f -> new HeaderField(f.name(), f.value())).toList();
        return new Head(head.method(), head.target(), fields, Set.copyOf(head.fields().tokens("connection")),
                head.fields().tokens("te").contains("trailers"), !framing.empty());
    }

    /** The current request's body, decoded; -1 at its end. Trailer fields are checked and dropped, as the ingress drops them. */
    public int readBody(byte[] b, int off, int len) throws IOException {
        return body == null ? -1 : body.read(b, off, len);
    }

    /** Waits for a byte after the current request: true if one came (another request follows), false at end of stream. */
    public boolean awaitMore() throws IOException {
        return in.fill();
    }

    /** Whether {@code s} is a token (RFC 9110 5.6.2), as field names must be. */
    public static boolean isToken(String s) {
        return HeadParser.isToken(s);
    }
}
