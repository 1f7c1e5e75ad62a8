package io.loomtunnel.internal.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExchangeStoreTest {
    private static Exchange exchange(int n, int cap) {
        return new Exchange("r" + n, "web", null, new MessageHead("GET /" + n + " HTTP/1.1", List.of(), 20), cap);
    }

    @Test
    void keepsTheNewestUpToTheCount() {
        ExchangeStore store = new ExchangeStore(3, 1 << 20);
        for (int i = 1; i <= 5; i++) {
            store.add(exchange(i, 10), 20);
        }
        assertEquals(List.of("r5", "r4", "r3"), store.newestFirst().stream().map(e -> e.id).toList());
        assertNull(store.get("r2"));
        assertEquals(60, store.bytes());
    }

    @Test
    void aGrowingBodyDropsTheOldestPastTheByteBound() {
        ExchangeStore store = new ExchangeStore(100, 1_000);
        Exchange a = exchange(1, 1_000);
        Exchange b = exchange(2, 1_000);
        store.add(a, 100);
        store.add(b, 100);
        store.grew(b, a.requestBody(new byte[700], 0, 700)); // wrong exchange's capture on purpose: the count is what matters
        assertEquals(List.of("r2", "r1"), store.newestFirst().stream().map(e -> e.id).toList());
        assertEquals(900, store.bytes());
        store.grew(b, 200);
        assertEquals(List.of("r2"), store.newestFirst().stream().map(e -> e.id).toList(), "r1 dropped for r2's bytes");
        assertEquals(1_000, store.bytes());
        store.grew(b, 1);
        assertEquals(0, store.size(), "an exchange larger than the whole bound is dropped too");
        assertEquals(0, store.bytes());
        store.grew(b, 50);
        assertEquals(0, store.bytes(), "a dropped exchange's growth counts no more");
    }

    @Test
    void aBodyIsKeptUpToItsCapAndSaysSo() {
        Exchange e = exchange(1, 4);
        assertEquals(3, e.requestBody("abc".getBytes(), 0, 3));
        assertEquals(1, e.requestBody("defg".getBytes(), 0, 4));
        assertEquals(0, e.requestBody("h".getBytes(), 0, 1));
        Exchange.Snapshot s = e.snapshot(true);
        assertEquals(8, s.requestSize());
        assertEquals("abcd", new String(s.requestBytes()));
        assertTrue(s.requestSize() > s.requestCaptured());
    }

    @Test
    void clearForgetsEverything() {
        ExchangeStore store = new ExchangeStore(10, 1_000);
        store.add(exchange(1, 10), 20);
        store.add(exchange(2, 10), 20);
        assertEquals(2, store.clear());
        assertEquals(0, store.bytes());
        assertTrue(store.newestFirst().isEmpty());
    }
}
