package io.loomtunnel.internal.signal;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.nostr.Filter;
import io.loomtunnel.internal.nostr.NostrEvent;
import io.loomtunnel.internal.nostr.NostrKey;
import io.loomtunnel.internal.nostr.PublishException;
import io.loomtunnel.internal.nostr.RelayPool;
import io.loomtunnel.internal.nostr.RelaySubscription;
import io.loomtunnel.internal.signal.NostrMessage.Hello;
import io.loomtunnel.internal.signal.NostrMessage.OfferMessage;
import io.loomtunnel.internal.signal.SignalException.Problem;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.Signatures;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Nostr signaling, sharing side (docs/P2P.md, "Nostr signaling"): subscribes to the route tag of
 * its id on every relay, answers each hello with a signed welcome, opens the offer of an open
 * handshake and sends back the answer the handler gives, sealed. Strangers' events are dropped,
 * counted and logged once per kind of problem.
 *
 * <p>Threads: {@link #serve} runs on the caller's thread, the only reader of the subscription and
 * the only user of the handshake table (so no lock guards it). Publishing waits for a relay's OK,
 * so each publish runs on a thread of its own ({@link OwnedThreads} "nostr share signaling"), at
 * most {@link #MAX_PUBLISHING} at once; more are dropped. {@link #close} (any thread) closes the
 * relay pool, which ends the subscription and wakes {@link #serve}.
 */
public final class NostrShareSignaling implements ShareSignaling, Closeable {
    /** Open handshakes remembered at once; hellos beyond them wait for older ones to expire. */
    static final int MAX_HANDSHAKES = 1024;
    static final int MAX_PUBLISHING = 32;
    /** The hello rate over all relays (relays do not say who sent what): 10 a second, bursts of 20. */
    static final double HELLOS_PER_SECOND = 10;
    static final double HELLO_BURST = 20;
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final System.Logger LOG = System.getLogger(NostrShareSignaling.class.getName());

    private final Identity identity;
    private final String sid;
    private final String route;
    private final RelayPool pool;
    private final Runnable ready;
    private final NostrKey key = NostrKey.generate();
    private final OwnedThreads threads = new OwnedThreads("nostr share signaling");
    private final Semaphore publishing = new Semaphore(MAX_PUBLISHING);
    private final Map<String, Open> handshakes = new LinkedHashMap<>();
    private final Set<Problem> logged = EnumSet.noneOf(Problem.class);
    private double tokens = HELLO_BURST;
    private long tokensAt = System.nanoTime();
    private volatile boolean closed;
    private final AtomicLong dropped = new AtomicLong();

    /** A handshake waiting for its offer. */
    private record Open(NostrHandshake.Keys keys, long expires) {}

    /**
     * @param pool the relays, owned from now on (closed by {@link #close})
     * @param ready called once the first relay has confirmed the subscription (it may then get hellos)
     */
    public NostrShareSignaling(Identity identity, RelayPool pool, Runnable ready) {
        this.identity = identity;
        this.sid = identity.id().value();
        this.route = NostrHandshake.route(sid);
        this.pool = pool;
        this.ready = ready;
    }

    /** Runs until {@link #close}. */
    @Override
    public void serve(OfferHandler handler) throws IOException {
        try (RelaySubscription sub = pool.subscribe(List.of(Filter.any().withKinds(NostrHandshake.KIND).withTag('x', route)))) {
            boolean confirmed = false;
            while (!closed) {
                if (!confirmed && sub.awaitStoredEvents(Duration.ofMillis(1))) {
                    confirmed = true;
                    ready.run();
                }
                NostrEvent e = sub.next(POLL);
                if (e != null) {
                    handle(e, handler);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException closing) {
            // the pool closed under us: stopped
        }
    }

    /** Offers, hellos and strangers' events seen but not used. */
    long dropped() {
        return dropped.get();
    }

    private void handle(NostrEvent e, OfferHandler handler) {
        long now = System.currentTimeMillis() / 1000;
        try {
            switch (NostrHandshake.check(e, route, now)) {
                case Hello h -> hello(h, now);
                case OfferMessage o -> offer(o, now, handler);
                default -> throw new SignalException(Problem.WRONG_KIND, "a Nostr signaling event only a connecting peer receives");
            }
        } catch (SignalException problem) {
            drop(problem);
        }
    }

    private void hello(Hello h, long now) throws SignalException {
        String name = HexFormat.of().formatHex(h.ec());
        forgetExpired(now);
        if (handshakes.containsKey(name)) {
            return; // a copy from another relay, or replayed: the first welcome stands
        }
        if (handshakes.size() >= MAX_HANDSHAKES || !takeToken()) {
            throw new SignalException(Problem.OVERLOADED, "too many Nostr hellos at once; dropped one");
        }
        byte[] e = NostrHandshake.privateKey();
        byte[] es = NostrHandshake.publicKey(e);
        NostrHandshake.Keys keys = NostrHandshake.keys(e, h.ec(), h.n(), sid, h.ec(), es);
        long expires = now + NostrHandshake.HANDSHAKE_SECONDS;
        byte[] signature = Signatures.sign(identity, NostrHandshake.welcomeSigned(sid, h.ec(), h.n(), es, expires));
        byte[] body = ByteBuffer.allocate(NostrMessage.WELCOME_BODY).put(Signatures.publicKey(identity)).putLong(expires)
                .put(signature).array();
        handshakes.put(name, new Open(keys, expires));
        publish(NostrHandshake.event(key, now, NostrHandshake.reply(h.ec()), expires,
                new NostrMessage.Welcome(es, NostrHandshake.seal(keys.welcome(), (byte) 2, body))));
    }

    private void offer(OfferMessage o, long now, OfferHandler handler) throws SignalException {
        Open open = handshakes.remove(HexFormat.of().formatHex(o.ec()));
        if (open == null || open.expires() <= now) {
            throw new SignalException(Problem.REPLAYED, "a Nostr offer for no open handshake (replayed, or too late)");
        }
        SignedBlock offer = new SignedBlock(BlockKind.OFFER, NostrHandshake.open(open.keys().offer(), (byte) 3, o.sealed()));
        SignedBlock answer;
        try {
            answer = handler.answer(offer);
        } catch (SignalException e) {
            handler.refused(e);
            return;
        }
        long expires = SignedBlocks.open(answer, BlockKind.ANSWER, Answer.class).expires();
        publish(NostrHandshake.event(key, now, NostrHandshake.reply(o.ec()), expires,
                new NostrMessage.AnswerMessage(NostrHandshake.seal(open.keys().answer(), (byte) 4, answer.payload()))));
    }

    private void publish(NostrEvent event) throws SignalException {
        if (!publishing.tryAcquire()) {
            throw new SignalException(Problem.OVERLOADED, MAX_PUBLISHING + " Nostr events are being published already; dropped one");
        }
        boolean started = threads.startIfOpen("publish", () -> {
            try {
                pool.publish(event, PUBLISH_TIMEOUT);
            } catch (PublishException e) {
                LOG.log(System.Logger.Level.WARNING, "nostr signaling: {0}", e.getMessage());
            } catch (InterruptedException | IllegalStateException e) {
                // closing
            } finally {
                publishing.release();
            }
        });
        if (!started) {
            publishing.release();
        }
    }

    private void forgetExpired(long now) {
        handshakes.values().removeIf(open -> open.expires() <= now);
    }

    private boolean takeToken() {
        long t = System.nanoTime();
        tokens = Math.min(HELLO_BURST, tokens + (t - tokensAt) / 1e9 * HELLOS_PER_SECOND);
        tokensAt = t;
        if (tokens < 1) {
            return false;
        }
        tokens--;
        return true;
    }

    private void drop(SignalException problem) {
        dropped.incrementAndGet();
        if (logged.add(problem.problem())) {
            LOG.log(System.Logger.Level.INFO, "nostr signaling: dropped {0} (later ones of this kind are counted only)",
                    problem.getMessage());
        }
    }

    /** Stops serving: closes the relays and waits for publishes in flight. */
    @Override
    public void close() {
        closed = true;
        pool.close();
        threads.close();
    }
}
