package io.loomtunnel.server;

import io.loomtunnel.internal.limits.TokenBucket;
import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.metrics.MeterNames;
import io.loomtunnel.internal.metrics.Tally;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.mux.StreamSocket;
import io.loomtunnel.internal.protocol.RelayPreface;
import io.loomtunnel.internal.protocol.RelayReady;
import io.loomtunnel.internal.protocol.RelayRefused;
import io.loomtunnel.internal.protocol.RelayRole;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.tunnel.Splice;
import io.loomtunnel.session.Session;
import io.loomtunnel.tls.PeerId;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay for peer-to-peer sessions with no direct path (docs/protocol/P2P.md 9.6): each peer opens
 * a stream on its own session to the server and names the p2p session and its role; the hub
 * joins the two streams of a session whose offer it forwarded (a ticket, from the
 * {@link PeerDirectory}) and copies bytes between them, which are the peers' own TLS records: the
 * relay sees ciphertext only. A peer may be part of {@code maxPerPeer} relayed sessions at once,
 * and what it sends passes its token bucket; bytes are counted per relayed session and in all.
 *
 * <p>Threads: the hub's own, one per peer session that signals ({@code "loomtunnel relay of
 * server ID: streams of peer P"}) and one per relay stream, which pairs it and runs the relay;
 * {@link #close} ends and joins them.
 *
 * <p>Locking: {@code this} guards {@code tickets}, {@code ticketsByAccount}, {@code allowances}, each ticket's
 * {@code waiting} and each allowance's {@code relays}. Nothing blocks under it: the first half
 * waits for its partner on a future outside it, and bytes are copied outside it. It is taken
 * last: no other lock is taken under it (completing the waiter's future runs no callbacks).
 */
final class RelayHub {
    /** How long a new relay stream has to send its preface. */
    static final Duration PREFACE_TIMEOUT = Duration.ofSeconds(10);
    /** How long the first peer's stream waits for the other's. */
    static final Duration PAIR_TIMEOUT = Duration.ofSeconds(10);
    /** How long after the answer passed the peers may still ask for the relay. */
    static final Duration TICKET_LIFETIME = Duration.ofMinutes(2);
    /** Tickets held at once; the oldest go first beyond this. */
    static final int MAX_TICKETS = 100_000;
    /** Tickets of one principal's offers per offer it may have waiting: beyond, its own oldest go first. */
    static final int TICKETS_PER_WAITING_OFFER = 4;

    /** A session whose peers may be joined. */
    private static final class Ticket {
        final PeerId connect;
        final PeerId share;
        final String account;
        final Instant expires;
        Half waiting;

        Ticket(PeerId connect, PeerId share, String account, Instant expires) {
            this.connect = connect;
            this.share = share;
            this.account = account;
            this.expires = expires;
        }
    }

    /** One peer's relay stream. */
    private record Half(Session carrier, MuxStream stream, PeerId peer, RelayRole role, PeerAllowance allowance,
                        CompletableFuture<Void> joined) {}

    private final RelaySettings settings;
    private final ServerEvents events;
    private final LinkedHashMap<String, Ticket> tickets = new LinkedHashMap<>();
    /** The sessions of each principal's tickets, oldest first. */
    private final Map<String, LinkedHashSet<String>> ticketsByAccount = new HashMap<>();
    private final int maxTicketsPerAccount;
    private final Map<PeerId, PeerAllowance> allowances = new HashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Tally bytes = new Tally();
    private final OwnedThreads threads;

    /**
     * @param owner names the hub's threads, e.g. {@code "server 3fa9c1d2aa11"}
     * @param maxOffersPerAccount offers one principal may have waiting; it may hold
     *     {@value #TICKETS_PER_WAITING_OFFER} times as many tickets
     */
    RelayHub(RelaySettings settings, ServerEvents events, String owner, int maxOffersPerAccount) {
        this.settings = settings;
        this.events = events;
        this.maxTicketsPerAccount = TICKETS_PER_WAITING_OFFER * maxOffersPerAccount;
        this.threads = new OwnedThreads("relay of " + owner);
    }

    /** The relay's counts as meters (docs/METRICS.md); they leave {@code registry} with the server's others. */
    void registerMeters(MeterRegistry registry, Tags tags) {
        Gauge.builder(MeterNames.RELAY_ACTIVE, active, AtomicInteger::get).tags(tags)
                .description("peer-to-peer sessions relayed now").register(registry);
        FunctionCounter.builder(MeterNames.RELAY_OPENED, total, AtomicLong::get).tags(tags)
                .description("peer-to-peer sessions the relay joined").register(registry);
        FunctionCounter.builder(MeterNames.RELAY_REFUSED, refused, AtomicLong::get).tags(tags)
                .description("relay streams refused: unknown session, a peer's limit, the other peer did not come").register(registry);
        FunctionCounter.builder(MeterNames.RELAY_BYTES, bytes, Tally::get).tags(tags).baseUnit("bytes")
                .description("bytes the relay carried, both directions").register(registry);
    }

    RelayStats stats() {
        return new RelayStats(active.get(), total.get(), refused.get(), bytes.get());
    }

    /**
     * The offer of {@code session} went to the share: its two peers may now ask for the relay, for
     * a while. (Each must still ask; the share asks only for sessions it accepted.) The ticket
     * counts against {@code account}, the connecting peer's principal: one that already holds its
     * share of tickets loses its own oldest, never another principal's.
     */
    synchronized void expect(String session, PeerId connect, PeerId share, String account) {
        prune(Instant.now());
        drop(session); // a session id used again starts afresh
        LinkedHashSet<String> mine = ticketsByAccount.get(account);
        if (mine != null && mine.size() >= maxTicketsPerAccount) {
            drop(mine.getFirst());
        } else if (tickets.size() >= MAX_TICKETS) {
            drop(tickets.firstEntry().getKey());
        }
        tickets.put(session, new Ticket(connect, share, account, Instant.now().plus(TICKET_LIFETIME)));
        ticketsByAccount.computeIfAbsent(account, a -> new LinkedHashSet<>()).add(session);
    }

    /**
     * As {@link #expect}, for an offer the server did not forward (p2p_ticket): refused (false) when
     * {@code session} already has a ticket, so that nobody can replace another pair's ticket.
     */
    synchronized boolean expectNew(String session, PeerId connect, PeerId share, String account) {
        prune(Instant.now());
        if (tickets.containsKey(session)) {
            return false;
        }
        expect(session, connect, share, account);
        return true;
    }

    /** The share refused the session, or could not use its offer: no relay for it. */
    synchronized void forget(String session) {
        Ticket t = tickets.get(session);
        if (t != null && t.waiting == null) {
            drop(session);
        }
    }

    private void prune(Instant now) {
        Iterator<Map.Entry<String, Ticket>> it = tickets.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Ticket> e = it.next();
            if (e.getValue().expires.isAfter(now)) {
                return; // in order of expiry: the rest are younger
            }
            if (e.getValue().waiting == null) {
                it.remove();
                unindex(e.getKey(), e.getValue());
            }
        }
    }

    /** Removes the ticket of {@code session}, if any. Called holding the lock. */
    private void drop(String session) {
        Ticket t = tickets.remove(session);
        if (t != null) {
            unindex(session, t);
        }
    }

    private void unindex(String session, Ticket t) {
        LinkedHashSet<String> sessions = ticketsByAccount.get(t.account);
        sessions.remove(session);
        if (sessions.isEmpty()) {
            ticketsByAccount.remove(t.account);
        }
    }

    /** Takes relay streams the peer opens on {@code carrier}, until it closes (or the hub does). */
    void serve(Session carrier) {
        String peer = "peer " + carrier.peer().abbreviated();
        threads.startIfOpen("streams of " + peer, () -> {
            try {
                while (true) {
                    MuxStream stream = carrier.mux().accept();
                    if (!threads.startIfOpen(peer + " stream " + stream.id(), () -> join(carrier, stream))) {
                        reset(stream);
                        return; // the hub is closing
                    }
                }
            } catch (IOException closed) {
                // the session ended; its streams ended with it
            }
        });
    }

    /** Ends every relay and joins the hub's threads; the carriers' sessions are the server's to close. */
    void close() {
        threads.close();
    }

    /** Reads the preface, then waits for the other peer or joins the one waiting. */
    private void join(Session carrier, MuxStream stream) {
        RelayPreface preface;
        RelayRole role;
        try {
            stream.setReadTimeout(PREFACE_TIMEOUT);
            preface = RelayPreface.readFrom(stream.input());
            role = preface.parsedRole();
            stream.setReadTimeout(Duration.ZERO);
        } catch (IOException e) {
            reset(stream);
            return;
        }
        PeerId peer = carrier.peer();
        Half me = null;
        Half partner = null;
        String refusal = null;
        synchronized (this) {
            prune(Instant.now());
            Ticket t = tickets.get(preface.session());
            PeerAllowance allowance = allowances.get(peer);
            if (settings.maxPerPeer() == 0) {
                refusal = "this server does not relay";
            } else if (t == null || !peer.equals(role == RelayRole.CONNECT ? t.connect : t.share)) {
                refusal = "no relay is expected for session " + preface.session() + " from peer " + peer.abbreviated()
                        + "… as " + role.wireName() + " (no offer of that session between these peers passed this server in the last "
                        + TICKET_LIFETIME.toMinutes() + " min, or the share refused it)";
            } else if (t.waiting != null && t.waiting.role() == role) {
                refusal = "session " + preface.session() + " already has a relay stream from its " + role.wireName() + " side";
            } else if (allowance != null && allowance.relays >= settings.maxPerPeer()) {
                refusal = "peer " + peer.abbreviated() + "… has " + allowance.relays + " relayed sessions, the server's limit ("
                        + settings.maxPerPeer() + " per peer)";
            } else {
                if (allowance == null) {
                    allowance = new PeerAllowance(TokenBucket.of(settings.bytesPerSecondPerPeer(), settings.burst()));
                    allowances.put(peer, allowance);
                }
                allowance.relays++;
                me = new Half(carrier, stream, peer, role, allowance, new CompletableFuture<>());
                if (t.waiting == null) {
                    t.waiting = me;
                } else {
                    partner = t.waiting;
                    partner.joined().complete(null); // under the lock: the waiter's timeout sees it or gives up first
                    t.waiting = null;
                    drop(preface.session());
                }
            }
        }
        if (refusal != null) {
            refuse(stream, peer, refusal);
        } else if (partner == null) {
            awaitPartner(me, preface.session());
        } else {
            relay(preface.session(), me, partner);
        }
    }

    /** The first of the two: waits to be joined (the joiner's thread runs the relay), or gives up. */
    private void awaitPartner(Half me, String session) {
        try {
            me.joined().get(PAIR_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return;
        } catch (TimeoutException | ExecutionException e) {
            // below: withdraw, unless joined at the last moment
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (me.joined().isDone()) {
                return; // joined at the last moment: the joiner's thread runs the relay
            }
            Ticket t = tickets.get(session); // gone if it was pushed out by newer tickets
            if (t != null && t.waiting == me) {
                t.waiting = null;
            }
            release(me);
        }
        refuse(me.stream(), me.peer(), "the other peer of session " + session + " did not ask for the relay within "
                + PAIR_TIMEOUT.toSeconds() + " s");
    }

    /** Both are here: tell them, then copy until both directions end. */
    private void relay(String session, Half me, Half partner) {
        PeerId connect = me.role() == RelayRole.CONNECT ? me.peer() : partner.peer();
        PeerId share = me.role() == RelayRole.CONNECT ? partner.peer() : me.peer();
        Tally carried = bytes.child();
        try {
            new RelayReady().writeTo(partner.stream().output());
            new RelayReady().writeTo(me.stream().output());
            active.incrementAndGet();
            total.incrementAndGet();
            events.relayOpened(session, connect, share);
            // Both directions pass through `mine`: what it reads comes from me, what it writes from the partner.
            StreamSocket mine = new StreamSocket(me.stream(), me.allowance().throttle(me.stream().input()),
                    partner.allowance().throttle(me.stream().output()), (InetSocketAddress) me.carrier().remoteAddress(),
                    () -> {});
            Splice.run(mine, partner.stream(), carried, carried);
            active.decrementAndGet();
            events.relayClosed(session, carried.get());
        } catch (IOException e) {
            reset(me.stream());
            reset(partner.stream());
        } finally {
            synchronized (this) {
                release(me);
                release(partner);
            }
        }
    }

    /** Gives back a half's place in its peer's count. Called holding the lock. */
    private void release(Half half) {
        PeerAllowance a = half.allowance();
        if (--a.relays == 0) {
            allowances.remove(half.peer(), a);
        }
    }

    private void refuse(MuxStream stream, PeerId peer, String reason) {
        refused.incrementAndGet();
        events.relayRefused(peer, reason);
        try {
            new RelayRefused(reason).writeTo(stream.output());
            stream.close();
        } catch (IOException e) {
            reset(stream);
        }
    }

    private static void reset(MuxStream stream) {
        try {
            stream.reset(ErrorCode.CANCEL);
        } catch (IOException | RuntimeException gone) {
            // the session is gone, and the stream with it
        }
    }
}
