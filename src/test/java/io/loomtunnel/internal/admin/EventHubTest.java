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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hub's bounds: a slow subscriber is dropped without blocking the publisher, at most eight subscribers, replay after an id. */
@Timeout(30)
class EventHubTest {
    private static final Duration NOW = Duration.ZERO;

    @Test
    void eachSubscriberGetsEveryEventAsJsonInOrder() throws Exception {
        EventHub hub = new EventHub();
        try (EventHub.Subscriber a = hub.subscribe(-1); EventHub.Subscriber b = hub.subscribe(-1)) {
            hub.publish("tunnel", Map.of("name", "web"));
            hub.publish("log", Map.of("line", "two\nlines \"quoted\""));
            for (EventHub.Subscriber s : List.of(a, b)) {
                EventHub.Event first = s.next(NOW);
                assertEquals(1, first.id());
                assertEquals("tunnel", first.type());
                assertEquals("{\"name\":\"web\"}", first.json());
                EventHub.Event second = s.next(NOW);
                assertEquals("{\"line\":\"two\\nlines \\\"quoted\\\"\"}", second.json(), "one line, escaped");
                assertNull(s.next(Duration.ofMillis(1)));
            }
        }
        assertEquals(0, hub.subscriberCount(), "closed subscribers are gone");
    }

    /** Counts how often Jackson reads it. */
    public static final class Counted {
        static final AtomicInteger READS = new AtomicInteger();

        public String getName() {
            READS.incrementAndGet();
            return "web";
        }
    }

    @Test
    void dataIsWrittenAsJsonWhenAStreamReadsItNotWhenPublished() throws Exception {
        EventHub hub = new EventHub();
        Counted.READS.set(0);
        hub.publish("tunnel", new Counted());
        assertEquals(0, Counted.READS.get(), "no stream: nothing written on the publisher's thread");
        try (EventHub.Subscriber s = hub.subscribe(0)) { // a stream that reconnects: the kept events first
            EventHub.Event e = s.next(NOW);
            assertEquals("{\"name\":\"web\"}", e.json());
            assertEquals("{\"name\":\"web\"}", e.json());
            assertEquals(1, Counted.READS.get(), "written once, however often read");
        }
    }

    @Test
    void aSlowSubscriberIsDroppedAndThePublisherNeverWaits() throws Exception {
        EventHub hub = new EventHub();
        EventHub.Subscriber slow = hub.subscribe(-1);
        EventHub.Subscriber quick = hub.subscribe(-1);
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
            subs.add(assertNotNullAndGet(hub.subscribe(-1)));
        }
        assertNull(hub.subscribe(-1), "the ninth is refused");
        subs.removeFirst().close();
        EventHub.Subscriber again = assertNotNullAndGet(hub.subscribe(-1));
        hub.close();
        assertThrows(EventHub.Dropped.class, () -> again.next(Duration.ofSeconds(10)), "close wakes a waiting reader");
        assertNull(hub.subscribe(-1));
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
        try (EventHub.Subscriber fresh = hub.subscribe(-1)) {
            assertNull(fresh.next(Duration.ofMillis(1)), "a new stream starts with what comes next");
        }
        try (EventHub.Subscriber all = hub.subscribe(0)) {
            assertEquals(11, all.next(NOW).id(), "Last-Event-ID 0: every kept event");
        }
    }

    private static EventHub.Subscriber assertNotNullAndGet(EventHub.Subscriber s) {
        assertNotNull(s);
        return s;
    }
}
