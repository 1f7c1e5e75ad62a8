package io.loomtunnel.session;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Decides, for each accepted connection, whether it may start a session set-up (docs/SECURITY.md,
 * "Control port before authentication"): not while its source is penalized, not beyond its
 * source's share while the slots are busy, and when every slot is taken it makes room by evicting the oldest set-up that
 * has sent nothing yet (else the oldest), never by turning the newcomer away. It ends set-ups
 * that outlive the handshake timeout, counts each source's failed set-ups and penalizes a source
 * that fails too often. What it remembers is bounded: {@code maxSetups} set-ups, {@code
 * maxSources} sources.
 *
 * <p>Locking: {@code lock} guards {@code setups}, {@code sources}, every {@link SourceState} and
 * {@link Setup}'s ending; it is a leaf lock (nothing else is taken under it but a socket's own state
 * lock, in {@link Setup#silent}) and nothing blocks under it: the caller closes an evicted
 * set-up's socket after {@link #admit} returns.
 */
final class SetupDoor {
    private final SetupLimits limits;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** Set-ups in progress, oldest first. */
    private final LinkedHashSet<Setup> setups = new LinkedHashSet<>();
    /** Sources with something to remember, least recently seen first. */
    private final LinkedHashMap<String, SourceState> sources = new LinkedHashMap<>(16, 0.75f, true);

    SetupDoor(SetupLimits limits, LongSupplier nanoClock) {
        this.limits = limits;
        this.clock = nanoClock;
    }

    /** How the door ended a set-up under its thread, if it did. */
    enum Ending {
        /** The door did not: the set-up ended on its own. */
        NONE,
        /** Closed to make room for a newcomer. */
        EVICTED,
        /** Closed for taking longer than the whole set-up may (the handshake timeout). */
        OVERDUE
    }

    /** One connection in set-up. */
    static final class Setup {
        final Socket socket;
        final String source;
        private final long since;
        private volatile boolean heard;
        private Ending ending = Ending.NONE;

        private Setup(Socket socket, String source, long since) {
            this.socket = socket;
            this.source = source;
            this.since = since;
        }

        /** The peer's first byte arrived: it is no longer a silent connection. */
        void heard() {
            heard = true;
        }

        /**
         * Whether the peer has sent nothing: its thread has read nothing, and nothing waits in the
         * socket's receive buffer (a busy machine may not have run the thread yet). Does not block.
         */
        boolean silent() {
            if (heard) {
                return false;
            }
            try {
                return socket.getInputStream().available() == 0;
            } catch (IOException closed) {
                return true;
            }
        }
    }

    /**
     * What {@link #admit} decided for a connection from {@code source}: a set-up to run, or a
     * refusal; and a set-up that was evicted to make room, whose socket the caller closes.
     */
    record Admission(String source, Setup setup, SetupRefusedException refusal, Setup evicted) {}

    /** What the door remembers of one source. */
    private static final class SourceState {
        int setups;
        int failures;
        long lastFailure;
        long penalizedUntil;
        boolean penalized;

        boolean idle() {
            return setups == 0;
        }
    }

    /** Admits a freshly accepted connection, or refuses it; see the class comment for the order. */
    Admission admit(Socket socket) {
        return admit(socket, Sources.of(socket));
    }

    /** Admits a connection from {@code source} (tests name sources without connecting from them). */
    Admission admit(Socket socket, String source) {
        long now = clock.getAsLong();
        lock.lock();
        try {
            SourceState state = sources.get(source);
            if (state != null && penalized(state, now)) {
                long left = TimeUnit.NANOSECONDS.toSeconds(state.penalizedUntil - now) + 1;
                return refuse(source, SetupRefusedException.PENALIZED, "connection from " + source + " closed: penalized for "
                        + left + " s more after " + limits.failuresBeforePenalty() + " failed set-ups");
            }
            if (state != null && state.setups >= limits.maxSetupsPerSource() && busy()) {
                return refuse(source, SetupRefusedException.SOURCE_LIMIT, "connection from " + source + " closed: "
                        + state.setups + " set-ups from it in progress, the limit per source");
            }
            Setup evicted = setups.size() >= limits.maxSetups() ? evictOne() : null;
            state = sources.get(source); // the eviction may have forgotten it
            if (state == null) {
                state = remember(source);
            }
            Setup setup = new Setup(socket, source, now);
            setups.add(setup);
            state.setups++;
            return new Admission(source, setup, null, evicted);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The set-up ended; a failure counts against its source. Returns how the door ended it, if
     * it did (its socket was closed under it, and the door has already accounted for it).
     */
    Ending finished(Setup setup, boolean failed) {
        long now = clock.getAsLong();
        lock.lock();
        try {
            if (setup.ending == Ending.NONE) {
                release(setup, failed, now);
            }
            return setup.ending;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends every set-up that has been in progress for longer than {@code maxAge}: each counts as
     * a failure of its source; the caller closes their sockets, and their threads report them.
     */
    List<Setup> endOverdue(Duration maxAge) {
        long now = clock.getAsLong();
        List<Setup> overdue = new ArrayList<>();
        lock.lock();
        try {
            for (Setup s : setups) { // oldest first: stop at the first young enough
                if (now - s.since <= maxAge.toNanos()) {
                    break;
                }
                overdue.add(s);
            }
            for (Setup s : overdue) {
                release(s, true, now);
                s.ending = Ending.OVERDUE;
            }
            return overdue;
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code setup} out of the set-ups in progress and its source's count. */
    private void release(Setup setup, boolean failed, long now) {
        setups.remove(setup);
        SourceState state = sources.get(setup.source);
        if (state == null) {
            return; // cannot happen: a source with a set-up in progress is never forgotten
        }
        state.setups--;
        if (failed) {
            countFailure(state, now);
        }
        forgetIfNothingToRemember(setup.source, state, now);
    }

    /** Sources remembered now (for tests and the bound). */
    int sourceCount() {
        lock.lock();
        try {
            return sources.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether at least half the slots are taken: only then does a source's share hold, so that many
     * clients behind one address (a NAT, a CI fleet) can still all connect at once to an idle server.
     */
    private boolean busy() {
        return setups.size() >= limits.maxSetups() / 2;
    }

    private static Admission refuse(String source, String reason, String message) {
        return new Admission(source, null, new SetupRefusedException(message, reason), null);
    }

    /** Whether the source is penalized now; a penalty that has run out is forgotten here. */
    private static boolean penalized(SourceState state, long now) {
        if (state.penalized && now - state.penalizedUntil >= 0) {
            state.penalized = false;
        }
        return state.penalized;
    }

    private void countFailure(SourceState state, long now) {
        if (limits.failuresBeforePenalty() == 0) {
            return;
        }
        if (state.failures > 0 && now - state.lastFailure > limits.penalty().toNanos()) {
            state.failures = 0; // the earlier failures were too long ago to count
        }
        state.failures++;
        state.lastFailure = now;
        if (state.failures >= limits.failuresBeforePenalty()) {
            state.failures = 0;
            state.penalized = true;
            state.penalizedUntil = now + limits.penalty().toNanos();
        }
    }

    /** Removes the oldest silent set-up, else the oldest; the caller closes its socket. */
    private Setup evictOne() {
        Setup victim = null;
        for (Setup s : setups) {
            if (s.silent()) {
                victim = s;
                break;
            }
        }
        if (victim == null) {
            victim = setups.iterator().next();
        }
        release(victim, false, clock.getAsLong()); // being evicted is no failure of the source
        victim.ending = Ending.EVICTED;
        return victim;
    }

    private void forgetIfNothingToRemember(String source, SourceState state, long now) {
        if (state.idle() && state.failures == 0 && !penalized(state, now)) {
            sources.remove(source);
        }
    }

    /** A new entry for {@code source}, forgetting the least recently seen idle source if the table is full. */
    private SourceState remember(String source) {
        if (sources.size() >= limits.maxSources()) {
            // At most maxSetups - 1 sources have a set-up in progress here (one was evicted if all
            // slots were taken) and maxSources >= maxSetups, so an idle one is found.
            Iterator<Map.Entry<String, SourceState>> it = sources.entrySet().iterator();
            while (it.hasNext()) {
                if (it.next().getValue().idle()) {
                    it.remove();
                    break;
                }
            }
        }
        SourceState state = new SourceState();
        sources.put(source, state);
        return state;
    }
}
