package io.loomtunnel.internal.signal;

import io.loomtunnel.internal.nostr.Filter;
import io.loomtunnel.internal.nostr.NostrEvent;
import io.loomtunnel.internal.nostr.NostrKey;
import io.loomtunnel.internal.nostr.PublishException;
import io.loomtunnel.internal.nostr.RelayPool;
import io.loomtunnel.internal.nostr.RelaySubscription;
import io.loomtunnel.internal.signal.SignalException.Problem;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tls.Signatures;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Nostr signaling, connecting side (docs/P2P.md, "Nostr signaling"): per attempt a fresh Nostr key
 * and X25519 key; a hello to the share's route tag, a welcome that must carry the share's own key
 * (its id is the hash of it) and its signature over both fresh keys, then the sealed offer and
 * the sealed answer. Events that do not check out are skipped; waiting goes on until the deadline.
 *
 * <p>Threads: none of its own; {@link #exchange} runs on the caller's thread and blocks only in
 * the relay pool's bounded waits. {@link #close} closes the pool, which wakes it.
 */
public final class NostrConnectSignaling implements ConnectSignaling, Closeable {
    /** How long a share has to welcome a hello: past it, no share with that id is taken to be there (exit 25). */
    static final Duration WELCOME_TIMEOUT = Duration.ofSeconds(15);
    /** How long the share has to answer an offer (it answers at once; relays may be slow). */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(40);
    private static final Duration SUBSCRIBED_WAIT = Duration.ofSeconds(2);
    private static final System.Logger LOG = System.getLogger(NostrConnectSignaling.class.getName());

    private final RelayPool pool;
    private final String sid;
    private final Duration welcomeTimeout;

    /** @param pool the relays, owned from now on (closed by {@link #close}) */
    public NostrConnectSignaling(RelayPool pool, PeerId share) {
        this(pool, share, WELCOME_TIMEOUT);
    }

    NostrConnectSignaling(RelayPool pool, PeerId share, Duration welcomeTimeout) {
        this.pool = pool;
        this.sid = share.value();
        this.welcomeTimeout = welcomeTimeout;
    }

    @Override
    public SignedBlock exchange(SignedBlock offer, Instant deadline) throws IOException {
        NostrKey key = NostrKey.generate();
        byte[] e = NostrHandshake.privateKey();
        byte[] ec = NostrHandshake.publicKey(e);
        byte[] n = NostrHandshake.random(NostrMessage.NONCE);
        String reply = NostrHandshake.reply(ec);
        String route = NostrHandshake.route(sid);
        try (RelaySubscription sub = pool.subscribe(List.of(Filter.any().withKinds(NostrHandshake.KIND).withTag('x', reply)))) {
            Instant welcomeBy = earlier(deadline, Instant.now().plus(welcomeTimeout));
            if (!pool.awaitConnected(left(welcomeBy))) {
                throw new ShareNotFoundException("no Nostr relay could be reached within " + welcomeTimeout.toSeconds() + " s: "
                        + pool.status().stream().map(s -> s.relay() + " " + s.problem()).toList());
            }
            sub.awaitStoredEvents(SUBSCRIBED_WAIT); // the relay has our REQ: ephemeral events reach current subscribers only
            long now = Instant.now().getEpochSecond();
            publish(NostrHandshake.event(key, now, route, now + NostrHandshake.HANDSHAKE_SECONDS, new NostrMessage.Hello(ec, n)), welcomeBy);
            NostrHandshake.Keys keys = null;
            while (keys == null) {
                NostrEvent event = sub.next(left(welcomeBy));
                if (event == null) {
                    throw new ShareNotFoundException("no share with id " + sid + " answered through the Nostr relays within "
                            + welcomeTimeout.toSeconds() + " s");
                }
                keys = welcome(event, reply, e, ec, n);
            }
            now = Instant.now().getEpochSecond();
            byte[] sealed = NostrHandshake.seal(keys.offer(), (byte) 3, offer.payload());
            Instant answerBy = earlier(deadline, Instant.now().plus(ANSWER_TIMEOUT));
            publish(NostrHandshake.event(key, now, route, deadline.getEpochSecond(), new NostrMessage.OfferMessage(ec, sealed)), answerBy);
            while (true) {
                NostrEvent event = sub.next(left(answerBy));
                if (event == null) {
                    throw new SignalException(Problem.EXPIRED, "no answer came through the Nostr relays within "
                            + Duration.between(Instant.ofEpochSecond(now), answerBy).toSeconds() + " s");
                }
                SignedBlock answer = answer(event, reply, keys);
                if (answer != null) {
                    return answer;
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stopped while signaling through the Nostr relays");
        } catch (IllegalStateException closed) {
            throw new IOException("stopped while signaling through the Nostr relays");
        }
    }

    /** The handshake's keys when {@code event} is the share's genuine welcome to this hello; null otherwise. */
    private NostrHandshake.Keys welcome(NostrEvent event, String reply, byte[] e, byte[] ec, byte[] n) {
        try {
            long now = Instant.now().getEpochSecond();
            if (!(NostrHandshake.check(event, reply, now) instanceof NostrMessage.Welcome w)) {
                return null;
            }
            NostrHandshake.Keys keys = NostrHandshake.keys(e, w.es(), n, sid, ec, w.es());
            ByteBuffer body = ByteBuffer.wrap(NostrHandshake.open(keys.welcome(), (byte) 2, w.sealed()));
            byte[] shareKey = new byte[Signatures.PUBLIC_KEY_BYTES];
            byte[] signature = new byte[Signatures.SIGNATURE_BYTES];
            body.get(shareKey);
            long expires = body.getLong();
            body.get(signature);
            if (!Signatures.idOf(shareKey).value().equals(sid)
                    || !Signatures.verify(shareKey, NostrHandshake.welcomeSigned(sid, ec, n, w.es(), expires), signature)) {
                throw new SignalException(Problem.FORGED, "a Nostr welcome not signed by the share");
            }
            if (expires <= now) {
                throw new SignalException(Problem.EXPIRED, "an expired Nostr welcome");
            }
            return keys;
        } catch (SignalException | RuntimeException problem) {
            LOG.log(System.Logger.Level.INFO, "nostr signaling: skipped an event: {0}", problem.getMessage());
            return null;
        }
    }

    /** The answer block when {@code event} is the sealed answer of this handshake; null otherwise. */
    private static SignedBlock answer(NostrEvent event, String reply, NostrHandshake.Keys keys) {
        try {
            if (NostrHandshake.check(event, reply, Instant.now().getEpochSecond()) instanceof NostrMessage.AnswerMessage a) {
                return new SignedBlock(BlockKind.ANSWER, NostrHandshake.open(keys.answer(), (byte) 4, a.sealed()));
            }
        } catch (SignalException problem) {
            LOG.log(System.Logger.Level.INFO, "nostr signaling: skipped an event: {0}", problem.getMessage());
        }
        return null;
    }

    private void publish(NostrEvent event, Instant by) throws IOException, InterruptedException {
        try {
            pool.publish(event, left(by));
        } catch (PublishException e) {
            throw new ShareNotFoundException("the Nostr relays took no event: " + e.getMessage());
        }
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Duration left(Instant until) {
        Duration d = Duration.between(Instant.now(), until);
        return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
    }

    @Override
    public void close() {
        pool.close();
    }
}
