package io.loomtunnel.internal.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.nostr.Filter;
import io.loomtunnel.internal.nostr.NostrEvent;
import io.loomtunnel.internal.nostr.NostrKey;
import io.loomtunnel.internal.nostr.RelayPool;
import io.loomtunnel.internal.nostr.RelaySettings;
import io.loomtunnel.internal.nostr.RelaySubscription;
import io.loomtunnel.internal.nostr.TestRelay;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.Signatures;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nostr signaling through a real relay (scripts/nostr-relay, TestRelay): offer in, answer back;
 * no share; an impostor that welcomes with another key; a captured offer replayed under a new
 * Nostr key, and one tampered with: the share uses neither.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NostrSignalingTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final RelaySettings FAST = RelaySettings.defaults().withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    private static TestRelay relay;

    private final Identity share = Identity.generate();
    private final Identity laptop = Identity.generate();

    @BeforeAll
    static void start() throws Exception {
        relay = TestRelay.start(0);
    }

    @AfterAll
    static void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
    }

    /** A share whose handler accepts every offer (counting them), serving on a thread of its own. */
    private final class RunningShare implements AutoCloseable {
        final AtomicInteger offers = new AtomicInteger();
        final CountDownLatch ready = new CountDownLatch(1);
        final NostrShareSignaling signaling = new NostrShareSignaling(share, pool(), ready::countDown);
        final OwnedThreads threads = new OwnedThreads("test share");

        RunningShare() throws InterruptedException {
            threads.start("serve", () -> {
                try {
                    signaling.serve(new ShareSignaling.OfferHandler() {
                        @Override
                        public SignedBlock answer(SignedBlock offer) throws SignalException {
                            offers.incrementAndGet();
                            Offer o = SignedBlocks.open(offer, BlockKind.OFFER, Offer.class);
                            long now = Instant.now().getEpochSecond();
                            return SignedBlocks.seal(share, new Answer(share.id().value(), SignedBlocks.keyOf(share), o.from(),
                                    o.session(), o.service(), "tcp", List.of("127.0.0.1:40002"), now, now + 600, null, null));
                        }

                        @Override
                        public void refused(SignalException problem) {}
                    });
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertTrue(ready.await(20, TimeUnit.SECONDS), "the share's subscription was confirmed");
        }

        @Override
        public void close() {
            signaling.close();
            threads.close();
        }
    }

    private static RelayPool pool() {
        return new RelayPool(List.of(relay.uri()), FAST);
    }

    private SignedBlock offer() {
        return Blocks.sealedOffer(laptop, share);
    }

    @Test
    void anOfferReachesTheShareAndItsAnswerComesBack() throws Exception {
        try (RunningShare running = new RunningShare();
             NostrConnectSignaling connect = new NostrConnectSignaling(pool(), share.id())) {
            for (int i = 0; i < 2; i++) { // one share, one attempt after another
                SignedBlock offer = offer();
                SignedBlock answer = connect.exchange(offer, Instant.now().plusSeconds(600));
                Answer a = SignedBlocks.open(answer, BlockKind.ANSWER, Answer.class);
                assertEquals(SignedBlocks.open(offer, BlockKind.OFFER, Offer.class).session(), a.session());
                assertEquals(share.id().value(), a.from());
            }
            assertEquals(2, running.offers.get());
        }
    }

    @Test
    void noShareMeansShareNotFound() {
        try (NostrConnectSignaling connect = new NostrConnectSignaling(pool(), share.id(), Duration.ofSeconds(2))) {
            ShareNotFoundException e = assertThrows(ShareNotFoundException.class,
                    () -> connect.exchange(offer(), Instant.now().plusSeconds(600)));
            assertTrue(e.getMessage().contains("no share with id " + share.id().value()), e.getMessage());
        }
    }

    @Test
    void aWelcomeSignedByAnotherKeyIsRefused() throws Exception {
        Identity impostor = Identity.generate();
        String route = NostrHandshake.route(share.id().value());
        NostrKey key = NostrKey.generate();
        try (RelayPool impostorPool = pool();
             RelaySubscription hellos = impostorPool.subscribe(List.of(Filter.any().withKinds(NostrHandshake.KIND).withTag('x', route)));
             NostrConnectSignaling connect = new NostrConnectSignaling(pool(), share.id(), Duration.ofSeconds(4));
             OwnedThreads threads = new OwnedThreads("test impostor")) {
            assertTrue(hellos.awaitStoredEvents(WAIT));
            threads.start("welcome", () -> {
                try {
                    NostrEvent e = hellos.next(WAIT);
                    long now = Instant.now().getEpochSecond();
                    NostrMessage.Hello h = (NostrMessage.Hello) NostrHandshake.check(e, route, now);
                    byte[] s = NostrHandshake.privateKey();
                    byte[] es = NostrHandshake.publicKey(s);
                    NostrHandshake.Keys keys = NostrHandshake.keys(s, h.ec(), h.n(), share.id().value(), h.ec(), es);
                    byte[] body = ByteBuffer.allocate(NostrMessage.WELCOME_BODY).put(Signatures.publicKey(impostor)).putLong(now + 60)
                            .put(Signatures.sign(impostor, NostrHandshake.welcomeSigned(share.id().value(), h.ec(), h.n(), es, now + 60)))
                            .array();
                    impostorPool.publish(NostrHandshake.event(key, now, NostrHandshake.reply(h.ec()), now + 60,
                            new NostrMessage.Welcome(es, NostrHandshake.seal(keys.welcome(), (byte) 2, body))), WAIT);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertThrows(ShareNotFoundException.class, () -> connect.exchange(offer(), Instant.now().plusSeconds(600)));
        }
    }

    @Test
    void aReplayedOrTamperedOfferIsNotUsed() throws Exception {
        String route = NostrHandshake.route(share.id().value());
        try (RunningShare running = new RunningShare();
             RelayPool watcher = pool();
             RelaySubscription seen = watcher.subscribe(List.of(Filter.any().withKinds(NostrHandshake.KIND).withTag('x', route)));
             NostrConnectSignaling connect = new NostrConnectSignaling(pool(), share.id())) {
            assertTrue(seen.awaitStoredEvents(WAIT));
            assertNotNull(connect.exchange(offer(), Instant.now().plusSeconds(600)));
            NostrEvent offerEvent = null;
            for (int i = 0; i < 4 && offerEvent == null; i++) {
                NostrEvent e = seen.next(WAIT);
                if (e != null && NostrMessage.decode(e.content()) instanceof NostrMessage.OfferMessage) {
                    offerEvent = e;
                }
            }
            assertNotNull(offerEvent, "the watcher saw the offer go by");
            long droppedBefore = running.signaling.dropped();
            // The same content under a new Nostr key (a new event id): its handshake is closed.
            NostrKey attacker = NostrKey.generate();
            long now = Instant.now().getEpochSecond();
            watcher.publish(NostrEvent.sign(attacker, now, NostrHandshake.KIND, offerEvent.tags(), offerEvent.content()), WAIT);
            // A tampered copy: dropped too (its handshake is closed; NostrHandshakeTest shows a tampered seal never opens).
            byte[] raw = java.util.Base64.getUrlDecoder().decode(offerEvent.content());
            raw[raw.length - 1] ^= 1;
            watcher.publish(NostrEvent.sign(attacker, now, NostrHandshake.KIND, offerEvent.tags(),
                    java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw)), WAIT);
            Probes.eventually(WAIT, "the share dropped both copies", () -> running.signaling.dropped() >= droppedBefore + 2);
            assertEquals(droppedBefore + 2, running.signaling.dropped());
            assertEquals(1, running.offers.get(), "only the genuine offer reached the handler");
        }
    }
}
