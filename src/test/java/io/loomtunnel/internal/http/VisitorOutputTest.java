package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a response leaves for the visitor: which bytes go out in which socket write. */
class VisitorOutputTest {
    private static final byte[] HEAD = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] BODY = "hello".getBytes(StandardCharsets.ISO_8859_1);

    /** A socket whose output records each write it gets, as the send() calls the kernel would see. */
    private static final class RecordingSocket extends Socket {
        final List<byte[]> writes = new ArrayList<>();

        @Override
        public OutputStream getOutputStream() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    writes.add(java.util.Arrays.copyOfRange(b, off, off + len));
                }
            };
        }
    }

    private static VisitorOutput output(RecordingSocket socket, int bufferBytes) throws Exception {
        return new VisitorOutput(socket, new Pace(Duration.ofSeconds(30), 1), bufferBytes);
    }

    @Test
    void aHeldHeadLeavesInTheSameWriteAsTheSmallBodyBehindIt() throws Exception {
        RecordingSocket socket = new RecordingSocket();
        VisitorOutput out = output(socket, 16 * 1024);
        out.hold(HEAD);
        out.write(BODY);
        out.flush();
        assertEquals(1, socket.writes.size(), "one send for head and body: the visitor wakes once");
        assertArrayEquals(concat(HEAD, BODY), socket.writes.get(0));
    }

    @Test
    void aHeadThatDoesNotFitBesideTheBodyGoesFirstOnItsOwnAndTheBytesStayInOrder() throws Exception {
        RecordingSocket socket = new RecordingSocket();
        VisitorOutput out = output(socket, HEAD.length + 2);
        out.hold(HEAD);
        out.write(BODY, 0, 4); // fits the buffer alone, not beside the head
        out.flush();
        out.write(BODY, 4, 1);
        out.flush();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        socket.writes.forEach(all::writeBytes);
        assertArrayEquals(concat(HEAD, BODY), all.toByteArray());
        assertArrayEquals(HEAD, socket.writes.get(0));
    }

    @Test
    void aDiscardedHeadNeverLeaves() throws Exception {
        RecordingSocket socket = new RecordingSocket();
        VisitorOutput out = output(socket, 16 * 1024);
        out.hold(HEAD);
        out.discardHeld();
        out.write(BODY);
        out.flush();
        assertEquals(1, socket.writes.size());
        assertArrayEquals(BODY, socket.writes.get(0));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
