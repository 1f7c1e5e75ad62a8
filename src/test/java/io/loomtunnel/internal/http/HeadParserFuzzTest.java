package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.EOFException;
import java.io.IOException;

/**
 * Request heads from arbitrary bytes, read as the ingress reads a connection: each ends in a parsed
 * head or a MalformedHttpException (HeadTooLargeException included), or EOFException at the end of
 * the input; never another exception, never a head or a read larger than maxHeadBytes.
 * Seeds: src/test/resources/io/loomtunnel/internal/http/HeadParserFuzzTestInputs/parseRequest/.
 */
class HeadParserFuzzTest {
    private static final int MAX_HEAD = 512;

    @FuzzTest
    void parseRequest(byte[] data) {
        TrickleInputStream stream = new TrickleInputStream(data);
        BufferedInput in = new BufferedInput(stream, t -> { }, MAX_HEAD);
        try {
            for (byte[] head; (head = in.readHead(Long.MAX_VALUE)) != null; ) {
                assertTrue(head.length <= MAX_HEAD, () -> "a head of " + MAX_HEAD + "+ bytes");
                RequestHead request = HeadParser.parseRequest(head);
                // a parsed head survives the ingress's own encoding unchanged (but for the version)
                RequestHead again = HeadParser.parseRequest(request.encode());
                assertEquals(request.method(), again.method());
                assertEquals(request.target(), again.target());
                assertEquals(request.fields(), again.fields());
                BodyFraming.forRequest(request);
                RequestTarget target = RequestTarget.parse(request.method(), request.target());
                Authority authority = Authority.of(request, target);
                assertTrue(!authority.host().isEmpty() && !authority.host().endsWith(":"), authority::toString);
                HeadParser.parseRequest(ProxyHeaders.forUpstream(request, target, authority, null, "192.0.2.1", "http").encode());
            }
        } catch (MalformedHttpException e) {
            // a clean "bad request" (or 431)
        } catch (EOFException e) {
            assertTrue(stream.atEnd(), "EOFException before the end of the input");
        } catch (IOException e) {
            fail("neither a head, a MalformedHttpException nor an EOFException", e);
        }
        assertTrue(in.capacity() == MAX_HEAD && stream.largestRequest() <= MAX_HEAD,
                () -> "asked the stream for " + stream.largestRequest() + " bytes at once");
    }
}
