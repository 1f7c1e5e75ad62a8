package io.loomtunnel.internal.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeadlinesTest {

    @Test
    void expiresKeysInOrderAndSkipsRemovedOnes() throws Exception {
        List<String> expired = new CopyOnWriteArrayList<>();
        CountDownLatch last = new CountDownLatch(1);
        try (Deadlines<String> deadlines = new Deadlines<>("test", Duration.ofMillis(50), 10, key -> {
            expired.add(key);
            if (key.equals("c")) {
                last.countDown();
            }
        })) {
            assertTrue(deadlines.add("a"));
            assertTrue(deadlines.add("b"));
            assertFalse(deadlines.add("b"), "a key waits once");
            assertTrue(deadlines.remove("b"));
            assertTrue(deadlines.add("c"));
            assertTrue(last.await(10, TimeUnit.SECONDS));
            // "b" was added before "c" with the same wait: had it not been removed, it would have expired first.
            assertEquals(List.of("a", "c"), expired);
            assertEquals(0, deadlines.size());
        }
    }

    @Test
    void refusesKeysBeyondItsCapacity() {
        try (Deadlines<Integer> deadlines = new Deadlines<>("test", Duration.ofHours(1), 2, key -> {})) {
            assertTrue(deadlines.add(1));
            assertTrue(deadlines.add(2));
            assertFalse(deadlines.add(3));
            assertEquals(2, deadlines.size());
        }
    }

    @Test
    void closeForgetsWaitingKeysAndJoinsItsThread() {
        List<Integer> expired = new CopyOnWriteArrayList<>();
        Deadlines<Integer> deadlines = new Deadlines<>("test", Duration.ofHours(1), 2, expired::add);
        assertTrue(deadlines.add(1));
        assertTrue(deadlines.close(Duration.ofSeconds(10)), "the thread ended");
        assertFalse(deadlines.add(2), "closed");
        assertEquals(List.of(), expired);
    }
}
