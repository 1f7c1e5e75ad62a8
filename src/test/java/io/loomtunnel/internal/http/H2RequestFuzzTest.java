package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.internal.h2.H2Exception;
import io.loomtunnel.internal.h2.HpackDecoder;
import java.util.Arrays;

/**
 * An HTTP/2 header block (HPACK, then one byte: END_STREAM or not) turned into the HTTP/1.1 head
 * the handler reads: either refused as malformed, or a head whose only empty line is its last and
 * whose every line ends in CRLF, so no field of the h2 request can add a field, a request or a body
 * framing of its own (the smuggling shape). Seeds: src/test/resources/io/loomtunnel/internal/http/H2RequestFuzzTestInputs/convert/.
 */
class H2RequestFuzzTest {
    @FuzzTest
    void convert(byte[] data) throws Exception {
        if (data.length == 0) {
            return;
        }
        HpackDecoder.Decoded decoded;
        try {
            decoded = new HpackDecoder(4096).decode(Arrays.copyOf(data, data.length - 1), 32 * 1024);
        } catch (H2Exception e) {
            return;
        }
        boolean endStream = (data[data.length - 1] & 1) != 0;
        H2Request request;
        try {
            request = H2Request.of(decoded.fields(), endStream);
        } catch (MalformedHttpException e) {
            return;
        }
        byte[] head = request.head();
        int empty = 0;
        for (int i = 0; i < head.length; i++) {
            if (head[i] == '\n') {
                assertTrue(i > 0 && head[i - 1] == '\r', "a bare LF");
                if (i >= 3 && head[i - 2] == '\n') {
                    empty++;
                }
            }
            if (head[i] == '\r') {
                assertTrue(i + 1 < head.length && head[i + 1] == '\n', "a bare CR");
            }
        }
        assertEquals(1, empty, "the head's empty line is not exactly its last");
        assertTrue(head[head.length - 1] == '\n' && head[head.length - 3] == '\n', "the head does not end with its empty line");
        try {
            RequestHead parsed = HeadParser.parseRequest(head);
            assertEquals(request.method(), parsed.method());
            if (!endStream) {
                assertTrue(request.chunked() != parsed.fields().has("Content-Length"), "both or neither framing");
            }
        } catch (MalformedHttpException e) {
            // e.g. a method that is not a token: the handler answers 400
        }
    }
}
