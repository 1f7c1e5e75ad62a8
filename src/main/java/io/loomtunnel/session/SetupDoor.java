package io.loomtunnel.session;

import io.loomtunnel.internal.limits.PenaltyBox;
import io.loomtunnel.internal.limits.Sources;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Decides, for each accepted connection, whether it may start a session set-up (docs/SECURITY.md,
 * "Control port before authentication"): not while its source is penalized, not beyond its
 * source's share while the slots are busy, and when every slot is taken it makes room by evicting a set-up that
 * has sent nothing yet, from the source holding the most set-ups, its oldest (else the oldest set-up), never by
 * turning the newcomer away. It ends set-ups
 * that outlive the handshake timeout, and counts each source's failed set-ups in a {@link
 * PenaltyBox} (its {@link PenaltyBox.Streak} rule) that penalizes a source failing too often.
 * What it remembers is bounded: {@code maxSetups} set-ups (and so as many sources with set-ups in
 * progress), {@code maxSources} sources with failures or a penalty.
 *
 * <p>Locking: {@code lock} guards {@code setups}, {@code setupsBySource} and {@link Setup}'s
 * ending; it is a leaf lock (nothing else is taken under it but a socket's own state lock, in
 * {@link Setup#silent}) and nothing blocks under it: the caller closes an evicted set-up's socket
 * after {@link #admit} returns. The penalty box's own lock (a leaf too) is never taken under it.
 */
final class SetupDoor {
    private final SetupLimits limits;
    private final LongSupplier clock;
    private final PenaltyBox penalties;
    private final ReentrantLock lock = new ReentrantLock();
    /** Set-ups in progress, oldest first. */
    private final LinkedHashSet<Setup> setups = new LinkedHashSet<>();
    /** Set-ups in progress per source, for the sources with one. */
    private final Map<String, Integer> setupsBySource = new HashMap<>();

    SetupDoor(SetupLimits limits, LongSupplier nanoClock) {
        this.limits = limits;
        this.clock = nanoClock;
        this.penalties = new PenaltyBox(new PenaltyBox.Streak(limits.failuresBeforePenalty(), limits.penalty()),
                limits.maxSources(), nanoClock);
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

    /** Admits a freshly accepted connection, or refuses it; see the class comment for the order. */
    Admission admit(Socket socket) {
        return admit(socket, Sources.of(socket));
    }

    /** Admits a connection from {@code source} (tests name sources without connecting from them). */
    Admission admit(Socket socket, String source) {
        Duration penalized = penalties.blocked(source);
        if (!penalized.isZero()) {
            return refuse(source, SetupRefusedException.PENALIZED, "connection from " + source + " closed: penalized for "
                    + (penalized.toSeconds() + 1) + " s more after " + limits.failuresBeforePenalty() + " failed set-ups");
        }
        long now = clock.getAsLong();
        lock.lock();
        try {
            int running = setupsBySource.getOrDefault(source, 0);
            if (running >= limits.maxSetupsPerSource() && busy()) {
                return refuse(source, SetupRefusedException.SOURCE_LIMIT, "connection from " + source + " closed: "
                        + running + " set-ups from it in progress, the limit per source");
            }
            Setup evicted = setups.size() >= limits.maxSetups() ? evictOne() : null;
            Setup setup = new Setup(socket, source, now);
            setups.add(setup);
            setupsBySource.merge(source, 1, Integer::sum);
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
        Ending ending;
        lock.lock();
        try {
            ending = setup.ending;
            if (ending == Ending.NONE) {
                release(setup);
            }
        } finally {
            lock.unlock();
        }
        if (ending == Ending.NONE && failed) {
            penalties.failed(setup.source);
        }
        return ending;
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
                release(s);
                s.ending = Ending.OVERDUE;
            }
        } finally {
            lock.unlock();
        }
        overdue.forEach(s -> penalties.failed(s.source));
        return overdue;
    }

    /** Takes {@code setup} out of the set-ups in progress and its source's count. */
    private void release(Setup setup) {
        setups.remove(setup);
        setupsBySource.computeIfPresent(setup.source, (source, n) -> n == 1 ? null : n - 1);
    }

    /** Sources remembered now, with set-ups in progress or with failures or a penalty (for tests and the bounds). */
    int sourceCount() {
        int withSetups;
        lock.lock();
        try {
            withSetups = setupsBySource.size();
        } finally {
            lock.unlock();
        }
        return withSetups + penalties.sources();
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

    /**
     * Removes a silent set-up of the source holding the most set-ups, the oldest of its silent ones
     * (else the oldest set-up); the caller closes its socket. Not simply the oldest silent one: a
     * flood from many sources that keeps every slot taken makes the oldest silent set-up only
     * {@code maxSetups / rate} seconds old, and a real client still building its ClientHello on a
     * busy machine was that one (docs/SECURITY.md, "Control port before authentication").
     */
    private Setup evictOne() {
        Setup victim = null;
        int most = 0;
        for (Setup s : setups) { // oldest first: a later one wins only if its source holds more
            int held = setupsBySource.get(s.source);
            if (held > most && s.silent()) { // silent() asks the socket: only for a possible winner
                victim = s;
                most = held;
            }
        }
        if (victim == null) {
            victim = setups.iterator().next();
        }
        release(victim); // being evicted is no failure of the source
        victim.ending = Ending.EVICTED;
        return victim;
    }
}
