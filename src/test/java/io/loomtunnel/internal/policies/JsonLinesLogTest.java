package io.loomtunnel.internal.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** JSON lines written off the caller's thread: escaped, in order, dropped (and counted) when the writer is behind. */
class JsonLinesLogTest {
    @Test
    void linesAreJsonInOrder() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonLinesLog log = JsonLinesLog.to(out, 16)) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("method", "GET");
            f.put("path", "/a\"b\n");
            f.put("status", 200);
            f.put("ok", true);
            f.put("none", null);
            log.write(f);
            log.write(Map.of("n", 2));
        }
        assertEquals("{\"method\":\"GET\",\"path\":\"/a\\\"b\\n\",\"status\":200,\"ok\":true,\"none\":null}\n{\"n\":2}\n",
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aStuckWriterNeverBlocksTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {}

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (JsonLinesLog log = JsonLinesLog.to(stuck, 4)) {
            for (int i = 0; i < 100; i++) {
                log.write(Map.of("i", i));
            }
            assertTrue(log.dropped() >= 95, "dropped " + log.dropped());
            release.countDown();
        }
    }
}
