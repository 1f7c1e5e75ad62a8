package io.loomtunnel.internal.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.inspect.MessageParser.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageParserTest {
    /** Every test's input is parsed whole, byte by byte and in threes: the events must not depend on the pieces. */
    private static List<String> parse(Role role, String input) {
        List<String> whole = ParserEvents.parse(role, input, Math.max(1, input.length()));
        assertEquals(whole, ParserEvents.parse(role, input, 1), "byte by byte");
        assertEquals(whole, ParserEvents.parse(role, input, 3), "in threes");
        return whole;
    }

    @Test
    void requestsInARowWithContentLengthChunkedAndNoBody() {
        String input = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /b?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                + "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n"
                + "\r\nDELETE /d HTTP/1.1\n\n";
        assertEquals(List.of("head:GET /a HTTP/1.1 1", "end",
                "head:POST /b?q=1 HTTP/1.1 2", "body:hello", "end",
                "head:PUT /c HTTP/1.1 1", "body:abcde", "end",
                "head:DELETE /d HTTP/1.1 0", "end"), parse(Role.REQUEST, input));
    }

    @Test
    void responsesWithoutBodiesAndInterimOnes() {
        String input = "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n"
                + "HTTP/1.1 304 Not Modified\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n!\r\n0\r\n\r\n"
                + "HTTP/1.0 200 OK\r\n\r\nuntil the end";
        assertEquals(List.of("head:HTTP/1.1 100 Continue 0",
                "head:HTTP/1.1 204 No Content 1", "end",
                "head:HTTP/1.1 304 Not Modified 0", "end",
                "head:HTTP/1.1 200 OK 1", "body:ok", "end",
                "head:HTTP/1.1 200 OK 1", "body:!", "end",
                "head:HTTP/1.0 200 OK 0", "body:until the end", "end"), parse(Role.RESPONSE, input));
    }

    @Test
    void theAnswerToHeadHasNoBodyWhateverItsLength() {
        ParserEvents events = new ParserEvents();
        events.bodyAllowed = false;
        MessageParser p = new MessageParser(Role.RESPONSE, events);
        byte[] in = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".getBytes();
        p.feed(in, 0, in.length);
        assertEquals(List.of("head:HTTP/1.1 200 OK 1", "end"), events.done());
        assertTrue(p.atMessageStart());
    }

    @Test
    void upgradesStopTheParser() {
        assertEquals(List.of("head:HTTP/1.1 101 Switching Protocols 2", "upgraded"),
                parse(Role.RESPONSE, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0005hello"));
        assertEquals(List.of("head:GET /chat HTTP/1.1 2", "end", "upgraded"),
                parse(Role.REQUEST, "GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\r\n\u0081\u0085xxxx"));
        assertEquals(List.of("head:CONNECT a:443 HTTP/1.1 0", "upgraded"), parse(Role.REQUEST, "CONNECT a:443 HTTP/1.1\r\n\r\nbytes"));
    }

    @Test
    void whatItCannotReadStopsItWithAReason() {
        assertEquals(List.of("failed:not an HTTP request line"), parse(Role.REQUEST, "SSH-2.0-OpenSSH\r\n\r\n"));
        assertEquals(List.of("failed:not an HTTP status line"), parse(Role.RESPONSE, "HTTP/1.1 2000 OK\r\n\r\n"));
        assertEquals(List.of("failed:a header line that is not NAME: VALUE"), parse(Role.REQUEST, "GET / HTTP/1.1\r\n folded\r\n\r\n"));
        assertEquals(List.of("head:POST / HTTP/1.1 1", "failed:a bad Content-Length"), parse(Role.REQUEST, "POST / HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\n"));
        assertEquals(List.of("head:POST / HTTP/1.1 1", "failed:a bad Content-Length"), parse(Role.REQUEST, "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"));
        assertEquals(List.of("head:POST / HTTP/1.1 1", "failed:a request transfer coding that does not end in chunked"),
                parse(Role.REQUEST, "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"));
        assertEquals(List.of("head:POST / HTTP/1.1 1", "failed:a bad chunk size"),
                parse(Role.REQUEST, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
        assertEquals(List.of("head:POST / HTTP/1.1 1", "body:abc", "failed:the connection ended inside a message"),
                parse(Role.REQUEST, "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"));
        byte[] huge = ("GET / HTTP/1.1\r\nX: " + "a".repeat(MessageParser.MAX_HEAD) + "\r\n\r\n").getBytes();
        assertEquals(List.of("failed:a head larger than 65536 bytes"), ParserEvents.parse(Role.REQUEST, huge, 4096));
    }

    @Test
    void aResponseWithAnUnknownCodingRunsToTheClose() {
        assertEquals(List.of("head:HTTP/1.1 200 OK 1", "body:raw", "end"),
                parse(Role.RESPONSE, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nraw"));
    }
}
