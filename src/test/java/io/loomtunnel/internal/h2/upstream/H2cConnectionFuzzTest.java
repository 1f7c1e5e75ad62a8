package io.loomtunnel.internal.h2.upstream;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.internal.h2.H2Error;
import io.loomtunnel.internal.h2.HeaderField;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The client side of an h2c connection fed arbitrary frames by its "service" after two streams
 * were opened, each stream's events taken as the bridge takes them (header blocks through
 * {@link ResponseHeads}): whatever the frames hold, both streams end (a whole response or a
 * reset), the connection ends and its reader is joined, and nothing but I/O failures escape.
 * Seeds: src/test/resources/io/loomtunnel/internal/h2/upstream/H2cConnectionFuzzTestInputs/frames/.
 */
class H2cConnectionFuzzTest {
    private static final List<HeaderField> POST = List.of(new HeaderField(":method", "POST"), new HeaderField(":scheme", "http"),
            new HeaderField(":path", "/"));

    @FuzzTest
    void frames(byte[] data) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            CountDownLatch opened = new CountDownLatch(1);
            InputStream frames = new ByteArrayInputStream(data) {
                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    try {
                        opened.await(); // the streams exist before the service's first byte
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return -1;
                    }
                    return super.read(b, off, len);
                }
            };
            H2cConnection c = H2cConnection.start(frames, OutputStream.nullOutputStream(), () -> { }, new H2cConnection.Limits(4096, Duration.ofSeconds(5),
                    Duration.ofMillis(100), Duration.ofMillis(100)), "h2c fuzz");
            try {
                H2cStream first = c.open(POST, false);
                H2cStream second = c.open(POST, true);
                opened.countDown();
                if (first.send(new byte[10], 0, 10)) {
                    first.end();
                }
                drain(first);
                drain(second);
            } finally {
                c.close();
            }
        });
    }

    /** Takes a stream's events until its response is whole or it is reset. */
    private static void drain(H2cStream s) throws IOException {
        boolean started = false;
        while (true) {
            switch (s.next()) {
                case H2cStream.Reset r -> {
                    return;
                }
                case H2cStream.Headers h -> {
                    try {
                        if (started) {
                            ResponseHeads.trailers(h.fields());
                        } else {
                            started = !ResponseHeads.head(h.fields(), false, h.endStream()).interim();
                        }
                    } catch (ResponseHeads.MalformedResponseException e) {
                        s.cancel(H2Error.PROTOCOL_ERROR);
                        return;
                    }
                    if (h.endStream()) {
                        return;
                    }
                }
                case H2cStream.Data d -> {
                    if (d.endStream()) {
                        return;
                    }
                }
            }
        }
    }
}
