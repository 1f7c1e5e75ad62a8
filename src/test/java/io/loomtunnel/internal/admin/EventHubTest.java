package io.loomtunnel.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hub's bounds: a slow subscriber is dropped without blocking the publisher, at most eight subscribers, replay after an id. */
@Timeout(30)
class EventHubTest {
    private static final Duration NOW = Duration.ZERO;

    @Test
    void eachSubscriberGetsEveryEventAsJsonInOrder() throws Exception {
        EventHub hub = new EventHub();
        try (EventHub.Subscriber a = hub.subscribe(0); EventHub.Subscriber b = hub.subscribe(0)) {
            hub.publish("tunnel", Map.of("name", "web"));
            hub.publish("log", Map.of("line", "two\nlines \"quoted\""));
            for (EventHub.Subscriber s : List.of(a, b)) {
                EventHub.Event first = s.next(NOW);
                assertEquals(new EventHub.Event(1, "tunnel", "{\"name\":\"web\"}"), first);
                EventHub.Event second = s.next(NOW);
                assertEquals("{\"line\":\"two\\nlines \\\"quoted\\\"\"}", second.json(), "one line, escaped");
                assertNull(s.next(Duration.ofMillis(1)));
            }
        }
        assertEquals(0, hub.subscriberCount(), "closed subscribers are gone");
    }

    @Test
    void aSlowSubscriberIsDroppedAndThePublisherNeverWaits() throws Exception {
        EventHub hub = new EventHub();
        EventHub.Subscriber slow = hub.subscribe(0);
        EventHub.Subscriber quick = hub.subscribe(0);
        long start = System.nanoTime();
        for (int i = 0; i < EventHub.QUEUE * 4; i++) {
            hub.publish("request", Map.of("i", i));
            assertNotNull(quick.next(NOW), "the quick one keeps up");
        }
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
        assertTrue(slow.isDropped());
        assertThrows(EventHub.Dropped.class, () -> slow.next(NOW));
        assertEquals(1, hub.subscriberCount(), "only the quick one is left");
        hub.publish("request", Map.of("i", -1));
        assertNotNull(quick.next(NOW));
    }

    @Test
    void atMostEightSubscribersAndNoneAfterClose() throws Exception {
        EventHub hub = new EventHub();
        List<EventHub.Subscriber> subs = new ArrayList<>();
        for (int i = 0; i < EventHub.MAX_SUBSCRIBERS; i++) {
            subs.add(assertNotNullAndGet(hub.subscribe(0)));
        }
        assertNull(hub.subscribe(0), "the ninth is refused");
        subs.removeFirst().close();
        EventHub.Subscriber again = assertNotNullAndGet(hub.subscribe(0));
        hub.close();
        assertThrows(EventHub.Dropped.class, () -> again.next(Duration.ofSeconds(10)), "close wakes a waiting reader");
        assertNull(hub.subscribe(0));
        hub.publish("log", Map.of()); // does nothing, throws nothing
    }

    @Test
    void aReconnectingSubscriberGetsTheEventsAfterItsLastId() throws Exception {
        EventHub hub = new EventHub();
        for (int i = 1; i <= EventHub.REPLAY + 10; i++) {
            hub.publish("log", Map.of("i", i));
        }
        try (EventHub.Subscriber s = hub.subscribe(EventHub.REPLAY + 7)) {
            assertEquals(EventHub.REPLAY + 8, s.next(NOW).id());
            assertEquals(EventHub.REPLAY + 9, s.next(NOW).id());
            assertEquals(EventHub.REPLAY + 10, s.next(NOW).id());
            assertNull(s.next(Duration.ofMillis(1)));
        }
        try (EventHub.Subscriber old = hub.subscribe(1)) {
            assertEquals(11, old.next(NOW).id(), "only the kept events: the oldest are gone");
        }
        try (EventHub.Subscriber fresh = hub.subscribe(0)) {
            assertNull(fresh.next(Duration.ofMillis(1)), "a new stream starts with what comes next");
        }
    }

    private static EventHub.Subscriber assertNotNullAndGet(EventHub.Subscriber s) {
        assertNotNull(s);
        return s;
    }
}
