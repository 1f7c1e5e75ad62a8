package io.loomtunnel.internal.nostr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.tunnel.Probes;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay client against a real relay that no one here wrote (scripts/nostr-relay:
 * @nostr-relay/core 0.0.40 in node), over loopback sockets: publish and subscribe through it,
 * stored events before EOSE and live ones after; several relays with one down, one refusing and
 * one slow; a relay killed mid-exchange and started again; a relay that sends forged events.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayPoolTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final RelaySettings FAST = RelaySettings.defaults()
            .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
            .withPingInterval(Duration.ofSeconds(5));
    private static final int SIGNALING_KIND = 20515;

    private static TestRelay shared;
    private final NostrKey key = NostrKey.generate();

    @BeforeAll
    static void startSharedRelay() throws Exception {
        shared = TestRelay.start(0);
    }

    @AfterAll
    static void stopSharedRelay() throws Exception {
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    void publishAndSubscribeThroughARealRelay() throws Exception {
        TestRelay relay = shared;
        try (RelayPool reader = new RelayPool(List.of(relay.uri()), FAST);
             RelayPool writer = new RelayPool(List.of(relay.uri()), FAST)) {
            // A stored (regular) event comes before EOSE, a live one after.
            NostrEvent stored = note("stored before the subscription");
            assertEquals(relay.uri(), writer.publish(stored, WAIT));
            try (RelaySubscription notes = reader.subscribe(List.of(Filter.any().withKinds(1).withAuthors(List.of(key.publicKeyHex()))))) {
                assertEquals(stored, notes.next(WAIT));
                assertTrue(notes.awaitStoredEvents(WAIT));
                NostrEvent live = note("published after EOSE");
                writer.publish(live, WAIT);
                assertEquals(live, notes.next(WAIT));
            }
            // Ephemeral signaling events, routed by a tag, with every character JSON escapes: the relay
            // recomputes the id with JSON.stringify, so its OK says our serialization is JavaScript's.
            String route = "r".repeat(32);
            try (RelaySubscription signals = reader.subscribe(List.of(Filter.any().withKinds(SIGNALING_KIND).withTag('x', route)))) {
                assertTrue(signals.awaitStoredEvents(WAIT));
                writer.publish(signal("other route", "o".repeat(32)), WAIT);
                String content = "quote\" backslash\\ \n\r\t\b\f \u0000\u0001\u001f \u007f é 日本 😀 \u2028\u2029 </script>";
                NostrEvent event = NostrEvent.sign(key, now(), SIGNALING_KIND,
                        List.of(List.of("x", route), List.of("note", content)), content);
                assertEquals(relay.uri(), writer.publish(event, WAIT));
                assertEquals(event, signals.next(WAIT));
                assertNull(signals.next(Duration.ofMillis(300)), "the other route's event is not ours");
                assertEquals(new RelaySubscription.Counts(0, 1, 0, 0), signals.counts(), "this relay does not apply tag conditions to live events (EventUtils.isMatchingFilter, @nostr-relay/common 0.0.40): our own check dropped the other route's event");
            }
            assertEquals(RelayStatus.State.CONNECTED, reader.status().get(0).state());
        }
    }

    @Test
    void oneRelayDownTheOtherServes() throws Exception {
        URI nobody = URI.create("ws://127.0.0.1:" + freePort());
        TestRelay relay = shared;
        try (RelayPool pool = new RelayPool(List.of(nobody, relay.uri()), FAST)) {
            try (RelaySubscription sub = pool.subscribe(List.of(Filter.any().withKinds(SIGNALING_KIND)))) {
                assertTrue(sub.awaitStoredEvents(WAIT));
                NostrEvent event = signal("through the live relay", "a".repeat(32));
                assertEquals(relay.uri(), pool.publish(event, WAIT));
                assertEquals(event, sub.next(WAIT));
            }
            Probes.eventually(WAIT, "the first dial fails", () -> pool.status().get(0).state() == RelayStatus.State.DOWN);
            RelayStatus down = pool.status().get(0);
            assertEquals(nobody, down.relay());
            assertEquals(RelayStatus.State.DOWN, down.state(), down.toString());
            assertTrue(down.problem().contains("connection refused"), down.problem());
        }
    }

    @Test
    void refusingAndSlowRelaysAreTolerated() throws Exception {
        try (TestRelay refusing = TestRelay.start(0, "--refuse");
             TestRelay slow = TestRelay.start(0, "--slow-ms", "700")) {
            try (RelayPool pool = new RelayPool(List.of(refusing.uri(), slow.uri()), FAST)) {
                assertTrue(pool.awaitConnected(WAIT));
                assertEquals(slow.uri(), pool.publish(signal("slow but willing", "b".repeat(32)), WAIT));
                RelaySubscription sub = pool.subscribe(List.of(Filter.any().withKinds(SIGNALING_KIND)));
                Probes.eventually(WAIT, "the refusing relay closes the subscription", () -> sub.closedBy().containsKey(refusing.uri()));
                assertTrue(sub.closedBy().get(refusing.uri()).startsWith("blocked:"));
                assertTrue(sub.awaitStoredEvents(WAIT), "the slow relay serves it");
            }
            try (RelayPool onlyRefusing = new RelayPool(List.of(refusing.uri()), FAST)) {
                assertTrue(onlyRefusing.awaitConnected(WAIT));
                long start = System.nanoTime();
                PublishException e = assertThrows(PublishException.class,
                        () -> onlyRefusing.publish(signal("refused", "c".repeat(32)), Duration.ofSeconds(60)));
                assertTrue(e.getMessage().contains(refusing.uri() + " refused ('blocked: this test relay refuses every event')"), e.getMessage());
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos(), "fails when all refused, not at the timeout");
            }
        }
    }

    @Test
    void aRelayKilledMidExchangeIsRedialedAndServesAgain() throws Exception {
        TestRelay relay = TestRelay.start(0);
        int port = relay.port();
        try (RelayPool reader = new RelayPool(List.of(relay.uri()), FAST);
             RelayPool writer = new RelayPool(List.of(relay.uri()), FAST);
             RelaySubscription notes = reader.subscribe(List.of(Filter.any().withKinds(1).withAuthors(List.of(key.publicKeyHex()))))) {
            assertTrue(notes.awaitStoredEvents(WAIT));
            assertTrue(writer.awaitConnected(WAIT));
            relay.kill();
            Probes.eventually(WAIT, "both pools see the relay go down",
                    () -> reader.status().get(0).state() != RelayStatus.State.CONNECTED
                            && writer.status().get(0).state() != RelayStatus.State.CONNECTED);
            NostrEvent event = note("published while the relay was down");
            // On a thread of its own: a blocked common-pool worker (parallelism 1 on 2 cores) would
            // also stall the JDK HttpClient, which completes WebSocket handshakes there.
            CompletableFuture<URI> publishing = new CompletableFuture<>();
            Thread publisher = Thread.ofVirtual().name("test publish while down").start(() -> {
                try {
                    publishing.complete(writer.publish(event, Duration.ofSeconds(60)));
                } catch (Exception e) {
                    publishing.completeExceptionally(e);
                }
            });
            awaitWaiting(publisher, "the publish is waiting for a relay");
            try (TestRelay again = TestRelay.start(port)) {
                assertEquals(relay.uri(), publishing.get(WAIT.toSeconds(), TimeUnit.SECONDS));
                assertEquals(event, notes.next(WAIT), "the subscription was renewed on the new connection");
                assertEquals(2, reader.status().get(0).connections());
            }
        } finally {
            relay.close();
        }
    }

    @Test
    void forgedEventsFromARelayAreDropped() throws Exception {
        try (TestRelay tampering = TestRelay.start(0, "--tamper");
             RelayPool pool = new RelayPool(List.of(tampering.uri()), FAST);
             RelaySubscription sub = pool.subscribe(List.of(Filter.any().withKinds(SIGNALING_KIND)))) {
            assertTrue(sub.awaitStoredEvents(WAIT));
            NostrEvent event = signal("the genuine one", "d".repeat(32));
            pool.publish(event, WAIT);
            assertEquals(event, sub.next(WAIT));
            assertNull(sub.next(Duration.ofMillis(300)));
            assertEquals(new RelaySubscription.Counts(2, 0, 0, 0), sub.counts(), "a bad signature and a bad id");
        }
    }

    @Test
    void closeWakesAPublisherAndEndsEveryThread() throws Exception {
        URI nobody = URI.create("ws://127.0.0.1:" + freePort());
        RelayPool pool = new RelayPool(List.of(nobody, shared.uri()), FAST);
        RelaySubscription sub = pool.subscribe(List.of(Filter.any().withKinds(SIGNALING_KIND)));
        assertTrue(sub.awaitStoredEvents(WAIT));
        RelayPool onlyDown = new RelayPool(List.of(nobody), FAST);
        CompletableFuture<Exception> publisher = new CompletableFuture<>();
        Thread publishing = Thread.ofVirtual().name("test publish to nobody").start(() -> {
            try {
                onlyDown.publish(signal("never accepted", "e".repeat(32)), Duration.ofSeconds(60));
                publisher.complete(null);
            } catch (Exception e) {
                publisher.complete(e);
            }
        });
        awaitWaiting(publishing, "the publisher is waiting for a relay");
        assertTrue(onlyDown.closeAndJoin(), "every thread of the pool ended");
        Exception e = publisher.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(e instanceof PublishException && e.getMessage().contains("closed"), String.valueOf(e));
        assertTrue(pool.closeAndJoin(), "every thread of the pool ended, WebSocket callbacks included");
        assertNull(sub.next(Duration.ofSeconds(5)), "a closed pool's subscription ends at once");
        assertThrows(IllegalStateException.class, () -> pool.subscribe(List.of(Filter.any())));
    }

    @Test
    void relayUrlsAreChecked() {
        RelaySettings s = RelaySettings.defaults();
        assertThrows(IllegalArgumentException.class, () -> new RelayPool(List.of(), s));
        assertThrows(IllegalArgumentException.class, () -> new RelayPool(List.of(URI.create("http://relay.example")), s));
        assertThrows(IllegalArgumentException.class, () -> new RelayPool(List.of(URI.create("wss://u:p@relay.example")), s));
        URI same = URI.create("wss://relay.example");
        assertThrows(IllegalArgumentException.class, () -> new RelayPool(List.of(same, same), s));
    }

    private NostrEvent note(String text) {
        return NostrEvent.sign(key, now(), 1, List.of(), text);
    }

    private NostrEvent signal(String text, String route) {
        return NostrEvent.sign(key, now(), SIGNALING_KIND, List.of(List.of("x", route)), text);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Until {@code thread} blocks (a publish waiting for a relay), instead of a guessed sleep. */
    private static void awaitWaiting(Thread thread, String what) throws InterruptedException {
        Probes.eventually(WAIT, what, () -> thread.getState() == Thread.State.WAITING
                || thread.getState() == Thread.State.TIMED_WAITING);
    }
}
