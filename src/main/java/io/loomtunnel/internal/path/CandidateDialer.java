package io.loomtunnel.internal.path;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Dials every candidate of the peer from the punch port, each on a thread of its own (of the
 * caller's {@link OwnedThreads}, which ends and joins them), over
 * and over with growing pauses, until the race is decided or its deadline passes. Dialing again
 * matters: a SYN sent before the peer's NAT had a mapping for us is dropped, and the next one,
 * sent after the peer dialed us, gets through (or meets the peer's SYN: a simultaneous open).
 */
public final class CandidateDialer {
    static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    static final Duration MAX_PAUSE = Duration.ofSeconds(2);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private CandidateDialer() {}

    /**
     * @param handler sets up a session on each connected socket (on the dialing thread, so a
     *     candidate is not dialed again while its connection is being tried) and offers it to the race
     * @param name what the dialing is for, the start of the threads' task names (e.g. {@code "session Xy12ab34"})
     */
    public static void start(PunchPort port, List<InetSocketAddress> candidates, PathRace race, Consumer<Socket> handler,
                             OwnedThreads threads, String name) {
        for (InetSocketAddress candidate : candidates) {
            threads.startIfOpen(name + " dial " + Candidates.text(candidate), () -> dialUntilDecided(port, candidate, race, handler));
        }
    }

    private static void dialUntilDecided(PunchPort port, InetSocketAddress candidate, PathRace race, Consumer<Socket> handler) {
        Duration pause = FIRST_PAUSE;
        while (!race.decided()) {
            Duration left = Duration.between(Instant.now(), race.deadline());
            if (left.isNegative() || left.isZero()) {
                return;
            }
            try {
                Socket socket = port.dial(candidate, left.compareTo(CONNECT_TIMEOUT) < 0 ? left : CONNECT_TIMEOUT);
                if (race.decided()) {
                    socket.close();
                    return;
                }
                handler.accept(socket);
            } catch (IOException e) {
                race.attemptFailed(Candidates.text(candidate), e.getMessage());
            }
            try {
                if (race.awaitDecided(pause)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
        }
    }
}
