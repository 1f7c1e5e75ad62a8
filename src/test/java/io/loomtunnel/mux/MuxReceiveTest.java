package io.loomtunnel.mux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loomtunnel.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link MuxStream#receive}: received bytes written on in place, over a plain loopback connection. */
@Timeout(30)
class MuxReceiveTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void handsOverEveryByteInOrderThenTheEnd() throws Exception {
        try (PlainPair p = PlainPair.open(MuxConfig.defaults())) {
            MuxStream c = p.dialer().open();
            MuxStream s = p.acceptor().accept(WAIT);
            // 3 MB is twelve initial windows: receive must grant credit as it goes, or the writer stalls.
            byte[] data = new byte[3_000_000];
            new Random(2).nextBytes(data);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int off = 0; off < data.length; off += 65_536) {
                        c.output().write(data, off, Math.min(65_536, data.length - off));
                    }
                    c.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int calls = 0;
            for (int n; (n = s.receive(got)) >= 0; ) {
                calls++;
                assertEquals(true, n > 0, "a receive hands over at least one byte");
            }
            writer.join();
            assertArrayEquals(data, got.toByteArray());
            assertEquals(-1, s.receive(new OutputStream() {
                @Override
                public void write(int b) {
                    throw new AssertionError("nothing after the end");
                }
            }));
            assertEquals(true, calls >= data.length / 65_536, "one call per DATA frame at most: " + calls);
        }
    }

    @Test
    void aPartlyReadPayloadIsHandedOverFromWhereTheReadStopped() throws Exception {
        try (PlainPair p = PlainPair.open(MuxConfig.defaults())) {
            MuxStream c = p.dialer().open();
            MuxStream s = p.acceptor().accept(WAIT);
            c.output().write(new byte[] {1, 2, 3, 4, 5});
            assertEquals(1, s.input().read());
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            assertEquals(4, s.receive(rest));
            assertArrayEquals(new byte[] {2, 3, 4, 5}, rest.toByteArray());
        }
    }

    @Test
    void failsLikeAReadOnResetAndOnTimeout() throws Exception {
        try (PlainPair p = PlainPair.open(MuxConfig.defaults())) {
            MuxStream c = p.dialer().open();
            MuxStream s = p.acceptor().accept(WAIT);
            s.setReadTimeout(Duration.ofMillis(100));
            assertThrows(SocketTimeoutException.class, () -> s.receive(OutputStream.nullOutputStream()));
            s.setReadTimeout(Duration.ZERO);
            c.reset(ErrorCode.CANCEL);
            StreamResetException e = assertThrows(StreamResetException.class, () -> s.receive(OutputStream.nullOutputStream()));
            assertEquals(ErrorCode.CANCEL, e.code());
        }
    }
}
