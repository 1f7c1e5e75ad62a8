package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A WebSocket-style upgrade through the ingress: 101 relayed, then raw bytes both ways, half-close passed on. */
@Timeout(60)
class UpgradeSpliceTest {

    @Test
    void upgradeIsRelayedThenBytesAreSplicedUntilHalfClose() throws Exception {
        try (IngressFixture fixture = new IngressFixture(HttpIngressConfig.defaults());
                RawClient raw = new RawClient(fixture.port())) {
            // the first frame rides in the same write as the head: it must reach the app after the 101
            raw.send("GET /chat HTTP/1.1\r\nHost: ws.test\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\nearly");
            RawClient.Response r = raw.read(true);
            assertEquals(101, r.status());
            assertEquals("websocket", r.field("upgrade"));
            assertEquals("upgrade", r.field("connection"));
            assertEquals("true", r.field("x-seen-connection"), "the app saw Connection: upgrade");

            InputStream in = raw.input(); // "early" may already sit in its read-ahead, behind the 101
            assertArrayEquals("early".getBytes(StandardCharsets.US_ASCII), in.readNBytes(5));
            byte[] data = new byte[1 << 20];
            new Random(7).nextBytes(data);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    raw.send(data);
                    raw.socket.shutdownOutput(); // half-close: the app sees end of stream, then closes its side
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertArrayEquals(data, in.readNBytes(data.length));
            assertEquals(-1, in.read(), "the app's half-close reaches the client");
            writer.join(Duration.ofSeconds(10));
        }
    }

    @Test
    void upgradeToAPlainAppGetsAnOrdinaryResponse() throws Exception {
        try (IngressFixture fixture = new IngressFixture(HttpIngressConfig.defaults());
                RawClient raw = new RawClient(fixture.port())) {
            RawClient.Response r = raw.send("GET /echo HTTP/1.1\r\nHost: alpha.test\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")
                    .read();
            assertEquals(200, r.status());
            assertEquals(200, raw.send("GET /echo HTTP/1.1\r\nHost: beta.test\r\n\r\n").read().status(), "still HTTP");
        }
    }
}
