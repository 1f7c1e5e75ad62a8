package io.loomtunnel.mux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loomtunnel.internal.net.MemoryConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The in-memory connection carries bytes in order through a small ring, and closing wakes both sides. */
@Timeout(30)
class MemoryConnectionTest {

    @Test
    void bytesPassInOrderThroughSmallRing() throws Exception {
        MemoryConnection.End[] ends = MemoryConnection.pair(1000);
        byte[] data = new byte[1_000_003];
        new Random(3).nextBytes(data);
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                ends[0].output().write(data);
                ends[0].output().close();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertArrayEquals(data, ends[1].input().readAllBytes(), "closing an output half-closes: data, then end of stream");
        writer.join();
        ends[1].output().write(1); // the other direction is still open
        ends[0].close();
        assertThrows(IOException.class, () -> ends[1].output().write(1), "closing an end closes both directions");
    }

    @Test
    void sessionsRunOverIt() throws Exception {
        try (MemoryPair p = MemoryPair.open(MuxConfig.defaults(), 64 * 1024)) {
            MuxStream c = p.dialer().open();
            MuxStream s = p.acceptor().accept(Duration.ofSeconds(10));
            c.output().write(new byte[] {5, 6});
            c.shutdownOutput();
            assertArrayEquals(new byte[] {5, 6}, s.input().readAllBytes());
            assertEquals(1, c.id());
        }
    }
}
