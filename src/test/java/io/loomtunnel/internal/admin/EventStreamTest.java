package io.loomtunnel.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A stream's text: retry first, events as id/event/data, pings when quiet, and an end before its lifetime runs out. */
@Timeout(30)
class EventStreamTest {
    @Test
    void writesRetryEventsAndPingsThenEnds() throws Exception {
        EventHub hub = new EventHub();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EventHub.Subscriber s = hub.subscribe(0)) {
            hub.publish("tunnel", Map.of("action", "opened"));
            long start = System.nanoTime();
            new EventStream(Duration.ofMillis(400), Duration.ofMillis(100), System::nanoTime).write(s, out);
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "it ended");
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("retry: 1000\n\nid: 1\nevent: tunnel\ndata: {\"action\":\"opened\"}\n\n"), text);
        assertTrue(text.contains(": ping\n\n"), text);
    }

    @Test
    void aDroppedSubscriberEndsItsStream() throws Exception {
        EventHub hub = new EventHub();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventHub.Subscriber s = hub.subscribe(0);
        hub.close();
        new EventStream(Duration.ofSeconds(20), Duration.ofSeconds(15), System::nanoTime).write(s, out);
        assertEquals("retry: 1000\n\n", out.toString(StandardCharsets.UTF_8));
    }
}
