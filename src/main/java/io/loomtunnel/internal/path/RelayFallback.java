package io.loomtunnel.internal.path;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.protocol.RelayRole;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The relay as one more contender in a path race: once the direct attempts have had
 * {@code relayAfter} to themselves and no path has won, opens the relayed connection and hands it
 * to the same set-up as a direct one (with {@code relayOnly}, at once and alone). Both peers start their timers when they learn each other's
 * candidates, so their relay requests reach the server close together.
 */
public final class RelayFallback {
    private RelayFallback() {}

    /**
     * Starts the contender on a thread of {@code threads} (task {@code "NAME relay"}); a failure is noted in the race as
     * {@code relay via ...}, or, when the relay is the only contender, ends the race.
     *
     * @param relayOnly the relay is the only contender: it is asked at once
     * @param relayAfter how long the direct attempts have to themselves otherwise
     */
    public static void start(RelayDialer relay, String session, RelayRole role, PathRace race, boolean relayOnly,
                             Duration relayAfter, Consumer<Socket> handler, OwnedThreads threads, String name) {
        Duration after = relayOnly ? Duration.ZERO : relayAfter;
        threads.startIfOpen(name + " relay", () -> {
            try {
                if (race.awaitDecided(after)) {
                    return; // a direct path won (or the race failed) before the relay's turn
                }
            } catch (InterruptedException e) {
                return;
            }
            String where = "relay via " + relay.via();
            try {
                Socket socket = relay.open(session, role);
                if (race.decided()) {
                    socket.close();
                    return;
                }
                handler.accept(socket);
            } catch (IOException e) {
                if (relayOnly) {
                    race.fail(new NoPathException("no path: " + where + " failed: " + e.getMessage()));
                } else {
                    race.attemptFailed(where, e.getMessage());
                }
            }
        });
    }
}
