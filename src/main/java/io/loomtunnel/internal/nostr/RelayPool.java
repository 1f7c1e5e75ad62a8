package io.loomtunnel.internal.nostr;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.net.Backoff;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Several Nostr relays at once: each is dialed and redialed with backoff on a thread of its own;
 * {@link #publish} sends an event to every relay and returns at the first that accepts it;
 * {@link #subscribe} asks every relay and merges what they send, verified and without duplicates.
 * Relays that are down, slow or refusing are tolerated as long as one works.
 *
 * <p>Threads (all {@link OwnedThreads} "nostr relays", ended and joined by {@link #close}): one
 * per relay that dials, writes and pings; the WebSocket callbacks (the HttpClient's executor),
 * which decode, verify and queue what arrives and never run a caller's code. Callers block only
 * in {@link #publish} and in {@link RelaySubscription}'s waits, each bounded by a timeout and
 * ended by {@link #close}.
 *
 * <p>Caution for callers: the JDK's HttpClient completes WebSocket handshakes on the common
 * ForkJoinPool, whose parallelism is 1 on a 2-core machine; a caller that blocks a common-pool
 * worker (a blocking call inside {@code CompletableFuture.supplyAsync}) stalls every dial until
 * it returns. Call the pool from virtual threads.
 *
 * <p>Locks: none held across calls; {@code stateLock} only pairs the connected-relay wait
 * ({@link #awaitConnected}) with its signal (the link states are volatile); {@link PendingPublish}
 * and {@link RelaySubscription} each have a leaf lock. Subscriptions and publishes in flight are
 * concurrent maps, both bounded.
 */
public final class RelayPool implements AutoCloseable {
    /** Relays one pool may use. */
    public static final int MAX_RELAYS = 16;
    /** Subscriptions open at once, and events being published at once. */
    public static final int MAX_SUBSCRIPTIONS = 32;
    public static final int MAX_PUBLISHING = 64;

    private static final System.Logger LOG = System.getLogger(RelayPool.class.getName());
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final RelaySettings settings;
    private final OwnedThreads threads = new OwnedThreads("nostr relays");
    private final HttpClient http;
    private final List<RelayLink> links = new ArrayList<>();
    private final Map<String, RelaySubscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, PendingPublish> publishing = new ConcurrentHashMap<>();
    private final ReentrantLock stateLock = new ReentrantLock();
    private final Condition stateChanged = stateLock.newCondition();
    private volatile boolean closed;

    /**
     * Starts dialing every relay in the background; returns at once.
     *
     * @param relays 1 to {@link #MAX_RELAYS} distinct {@code ws://} or {@code wss://} URLs
     * @throws IllegalArgumentException for a URL that is not one
     */
    public RelayPool(List<URI> relays, RelaySettings settings) {
        this.settings = settings;
        List<URI> checked = checked(relays);
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .executor(threads.executor("relay i/o"))
                .build();
        for (URI uri : checked) {
            RelayLink link = new RelayLink(uri);
            links.add(link);
            threads.start("relay " + uri.getHost() + ":" + port(uri), link::run);
        }
    }

    /**
     * Sends {@code event} to every relay (and to relays that come up while waiting) and returns the
     * first relay that accepts it (an OK true; "duplicate" counts). Fails as soon as every relay
     * has refused it, or at the timeout, saying what each relay did.
     *
     * @throws PublishException when no relay accepted it in time
     * @throws InterruptedException when the caller is interrupted
     */
    public URI publish(NostrEvent event, Duration timeout) throws PublishException, InterruptedException {
        requireOpen();
        if (publishing.size() >= MAX_PUBLISHING) {
            throw new PublishException(MAX_PUBLISHING + " events are being published already");
        }
        PendingPublish pending = new PendingPublish(event, links.size());
        if (publishing.putIfAbsent(event.id(), pending) != null) {
            throw new IllegalStateException("event " + event.id() + " is being published already");
        }
        try {
            String message = ClientMessages.event(event);
            links.forEach(link -> link.send(message)); // a link that comes up later sends it from its loop
            URI accepted = pending.await(timeout);
            if (accepted == null) {
                throw new PublishException(closed ? "the relay pool closed before a relay accepted the event"
                        : "no relay accepted the event within " + timeout.toMillis() + " ms: " + pending.summary(status()));
            }
            return accepted;
        } finally {
            publishing.remove(event.id());
        }
    }

    /**
     * Opens a subscription on every relay (and on relays that come up later, or come back).
     *
     * @param filters 1 to {@link ClientMessages#MAX_FILTERS} filters; an event passes when it matches one
     */
    public RelaySubscription subscribe(List<Filter> filters) {
        requireOpen();
        if (subscriptions.size() >= MAX_SUBSCRIPTIONS) {
            throw new IllegalStateException(MAX_SUBSCRIPTIONS + " subscriptions are open already");
        }
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random); // an id for relays to tell our subscriptions apart, not a secret
        RelaySubscription sub = new RelaySubscription(HexFormat.of().formatHex(random), filters,
                settings.subscriptionQueue(), this::unsubscribe);
        String req = ClientMessages.req(sub.id(), sub.filters());
        subscriptions.put(sub.id(), sub);
        links.forEach(link -> link.send(req));
        return sub;
    }

    /** Waits until at least one relay is connected; false at the timeout. */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        stateLock.lock();
        try {
            return ConditionWait.until(stateChanged, timeout, () -> closed || links.stream().anyMatch(RelayLink::isUp)) && !closed;
        } finally {
            stateLock.unlock();
        }
    }

    /** Each relay's state now, in the order given. */
    public List<RelayStatus> status() {
        return links.stream().map(RelayLink::status).toList();
    }

    /** Ends every connection and thread; waits up to 5 s for the threads. Safe to call more than once. */
    @Override
    public void close() {
        if (!closeAndJoin()) {
            LOG.log(System.Logger.Level.WARNING, "relay pool: some threads had not ended 5 s after close");
        }
    }

    /** {@link #close}, saying whether every thread ended within the grace period. */
    boolean closeAndJoin() {
        closed = true;
        subscriptions.values().forEach(RelaySubscription::ended);
        publishing.values().forEach(PendingPublish::abandon);
        links.forEach(RelayLink::abort);
        http.shutdownNow();
        boolean joined = threads.close(CLOSE_GRACE);
        connectionsChanged();
        return joined;
    }

    private void unsubscribe(RelaySubscription sub) {
        if (subscriptions.remove(sub.id()) != null && !closed) {
            String close = ClientMessages.close(sub.id());
            links.forEach(link -> link.send(close));
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the relay pool is closed");
        }
    }

    private void connectionsChanged() {
        stateLock.lock();
        try {
            stateChanged.signalAll();
        } finally {
            stateLock.unlock();
        }
    }

    private static List<URI> checked(List<URI> relays) {
        if (relays.isEmpty() || relays.size() > MAX_RELAYS) {
            throw new IllegalArgumentException("give 1 to " + MAX_RELAYS + " relays, got " + relays.size());
        }
        LinkedHashSet<URI> distinct = new LinkedHashSet<>();
        for (URI uri : relays) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("ws") && !scheme.equals("wss") || uri.getHost() == null || uri.getRawUserInfo() != null
                    || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("a relay must be a ws:// or wss:// URL with a host, got "
                        + Problems.quote(uri.toString()));
            }
            if (!distinct.add(uri)) {
                throw new IllegalArgumentException("relay " + uri + " is listed twice");
            }
        }
        return List.copyOf(distinct);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("wss") ? 443 : 80;
    }

    /** One relay: its dial loop, its current connection, and what it has done. */
    private final class RelayLink implements RelayConnection.Sink {
        private final URI uri;
        private final AtomicLong malformed = new AtomicLong();
        private volatile RelayConnection connection;
        private volatile RelayStatus.State state = RelayStatus.State.CONNECTING;
        private volatile String problem = "";
        private volatile int connections;

        RelayLink(URI uri) {
            this.uri = uri;
        }

        void run() {
            Backoff backoff = new Backoff(settings.backoffMin(), settings.backoffMax());
            while (!closed) {
                RelayConnection c; // the state stays DOWN while redialing: down until a dial succeeds
                try {
                    c = RelayConnection.open(http, uri, settings, this);
                } catch (IOException e) {
                    if (closed) {
                        return;
                    }
                    down("could not connect: " + e.getMessage());
                    if (!pause(backoff.next())) {
                        return;
                    }
                    continue;
                }
                long start = System.nanoTime();
                String reason;
                connection = c;
                connections++;
                state = RelayStatus.State.CONNECTED;
                problem = "";
                connectionsChanged();
                LOG.log(System.Logger.Level.DEBUG, "relay {0}: connected", uri);
                // After publishing the connection: a REQ or EVENT added from now on is sent by its caller.
                subscriptions.values().forEach(sub -> c.send(ClientMessages.req(sub.id(), sub.filters())));
                publishing.values().forEach(p -> c.send(ClientMessages.event(p.event())));
                try {
                    reason = c.runWriter();
                } catch (InterruptedException closing) {
                    return;
                } finally {
                    connection = null;
                    subscriptions.values().forEach(sub -> sub.relayLost(uri));
                }
                if (closed) {
                    return;
                }
                down(reason);
                if (System.nanoTime() - start >= settings.backoffMax().toNanos()) {
                    backoff.reset();
                }
                if (!pause(backoff.next())) {
                    return;
                }
            }
        }

        void send(String text) {
            RelayConnection c = connection;
            if (c != null && !c.send(text)) {
                LOG.log(System.Logger.Level.DEBUG, "relay {0}: outbox full, a message was not sent", uri);
            }
        }

        boolean isUp() {
            return connection != null;
        }

        void abort() {
            RelayConnection c = connection;
            if (c != null) {
                c.abort("closing");
            }
        }

        RelayStatus status() {
            return new RelayStatus(uri, closed ? RelayStatus.State.CLOSED : state, problem, connections, malformed.get());
        }

        @Override
        public void message(RelayMessage message) {
            switch (message) {
                case RelayMessage.Event e -> {
                    RelaySubscription sub = subscriptions.get(e.subscriptionId());
                    if (sub != null) { // else a late event for a subscription closed meanwhile
                        sub.deliver(uri, e.event());
                    }
                }
                case RelayMessage.Ok ok -> {
                    PendingPublish p = publishing.get(ok.eventId());
                    if (p != null) {
                        p.answer(uri, ok.accepted(), ok.message());
                    }
                }
                case RelayMessage.Eose eose -> {
                    RelaySubscription sub = subscriptions.get(eose.subscriptionId());
                    if (sub != null) {
                        sub.storedEventsSent(uri);
                    }
                }
                case RelayMessage.Closed c -> {
                    RelaySubscription sub = subscriptions.get(c.subscriptionId());
                    if (sub != null) {
                        sub.closedByRelay(uri, c.message());
                    }
                }
                case RelayMessage.Notice n -> LOG.log(System.Logger.Level.INFO, "relay {0} says: {1}", uri, Problems.quote(n.message()));
                case RelayMessage.Other o -> LOG.log(System.Logger.Level.DEBUG, "relay {0}: ignored a {1} message", uri, Problems.quote(o.type()));
            }
        }

        @Override
        public void malformed(String why) {
            if (malformed.getAndIncrement() == 0) {
                LOG.log(System.Logger.Level.WARNING, "relay {0} sent a malformed message (ignored; later ones are counted): {1}", uri, why);
            }
        }

        private void down(String why) {
            boolean changed = !why.equals(problem);
            state = RelayStatus.State.DOWN;
            problem = why;
            connectionsChanged();
            if (changed) {
                LOG.log(System.Logger.Level.INFO, "relay {0}: {1}; trying again", uri, why);
            }
        }

        private boolean pause(Duration d) {
            try {
                Thread.sleep(d);
                return !closed;
            } catch (InterruptedException e) {
                return false;
            }
        }
    }
}
