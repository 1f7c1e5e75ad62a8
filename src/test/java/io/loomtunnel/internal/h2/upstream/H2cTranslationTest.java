package io.loomtunnel.internal.h2.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.h2.HeaderField;
import io.loomtunnel.internal.http.Http1Requests;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the h2c bridge makes of a request from the tunnel (HTTP/1.1 to h2 fields) and of a response (h2 blocks to HTTP/1.1). */
class H2cTranslationTest {
    @Test
    void aRequestFromTheTunnelBecomesPseudoHeadersAndLowercaseFields() throws Exception {
        String wire = "POST /loomtunnel.Echo/Unary HTTP/1.1\r\nHost: grpc.localhost\r\nContent-Type: application/grpc\r\n"
                + "TE: trailers\r\nConnection: TE, X-Drop\r\nX-Drop: 1\r\nKeep-Alive: 5\r\nX-Forwarded-For: 10.0.0.1\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        Http1Requests requests = new Http1Requests(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)), 4096);
        Http1Requests.Head head = requests.next();
        assertTrue(head.body());
        assertEquals(List.of(new HeaderField(":method", "POST"), new HeaderField(":scheme", "http"),
                new HeaderField(":authority", "grpc.localhost"), new HeaderField(":path", "/loomtunnel.Echo/Unary"),
                new HeaderField("te", "trailers"), new HeaderField("content-type", "application/grpc"),
                new HeaderField("x-forwarded-for", "10.0.0.1")), RequestFields.of(head));
        byte[] body = new byte[16];
        assertEquals(5, requests.readBody(body, 0, body.length));
        assertEquals(-1, requests.readBody(body, 0, body.length));
        assertFalse(requests.awaitMore());
    }

    @Test
    void responseHeadsAsHttp1() throws Exception {
        List<HeaderField> ok = List.of(new HeaderField(":status", "200"), new HeaderField("content-type", "application/grpc"),
                new HeaderField("content-length", "12"));
        ResponseHeads.Head streamed = ResponseHeads.head(ok, false, false);
        assertTrue(streamed.body());
        assertEquals("HTTP/1.1 200 \r\ncontent-type: application/grpc\r\nTransfer-Encoding: chunked\r\n\r\n", text(streamed.bytes()));
        ResponseHeads.Head trailersOnly = ResponseHeads.head(List.of(new HeaderField(":status", "200"),
                new HeaderField("grpc-status", "5"), new HeaderField("grpc-message", "not found")), false, true);
        assertFalse(trailersOnly.body());
        assertEquals("HTTP/1.1 200 \r\ngrpc-status: 5\r\ngrpc-message: not found\r\nContent-Length: 0\r\n\r\n", text(trailersOnly.bytes()));
        assertEquals("HTTP/1.1 200 \r\ncontent-type: application/grpc\r\ncontent-length: 12\r\n\r\n", text(ResponseHeads.head(ok, true, false).bytes()),
                "a HEAD answer keeps its length and has no body");
        assertTrue(ResponseHeads.head(List.of(new HeaderField(":status", "103"), new HeaderField("link", "</a>")), false, false).interim());
        assertEquals("0\r\ngrpc-status: 0\r\n\r\n", text(ResponseHeads.trailers(List.of(new HeaderField("grpc-status", "0")))));
    }

    @Test
    void malformedResponseBlocksAreRefused() {
        for (List<HeaderField> bad : List.of(
                List.<HeaderField>of(),
                List.of(new HeaderField("content-type", "x")),
                List.of(new HeaderField(":status", "2000")),
                List.of(new HeaderField(":status", "101")),
                List.of(new HeaderField(":status", "200"), new HeaderField(":path", "/")),
                List.of(new HeaderField(":status", "200"), new HeaderField("X-Upper", "1")),
                List.of(new HeaderField(":status", "200"), new HeaderField("a b", "1")),
                List.of(new HeaderField(":status", "200"), new HeaderField("x", "1\r\nInjected: yes")),
                List.of(new HeaderField(":status", "200"), new HeaderField("x", " padded")),
                List.of(new HeaderField(":status", "200"), new HeaderField("transfer-encoding", "chunked")),
                List.of(new HeaderField(":status", "200"), new HeaderField("connection", "close")))) {
            assertThrows(ResponseHeads.MalformedResponseException.class, () -> ResponseHeads.head(bad, false, false), bad.toString());
        }
        assertThrows(ResponseHeads.MalformedResponseException.class,
                () -> ResponseHeads.head(List.of(new HeaderField(":status", "100")), false, true), "an interim head that ends the stream");
        assertThrows(ResponseHeads.MalformedResponseException.class,
                () -> ResponseHeads.trailers(List.of(new HeaderField(":status", "200"))), "a pseudo-header in trailers");
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
