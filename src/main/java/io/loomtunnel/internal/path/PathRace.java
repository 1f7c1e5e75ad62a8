package io.loomtunnel.internal.path;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The race of one peer-to-peer session's candidate connections: the first that is set up and
 * nominated wins; every later one is closed as it arrives. A refusal from the peer ends the race
 * at once; so does the deadline.
 *
 * <p>Locking: {@code failures} is guarded by itself; the outcome is a CompletableFuture, whose
 * first completion decides.
 */
public final class PathRace {
    /** Failures remembered for the final message, one per place tried. */
    private static final int MAX_FAILURES = 16;

    private final Instant deadline;
    private final CompletableFuture<PeerPath> outcome = new CompletableFuture<>();
    private final Map<String, String> failures = new LinkedHashMap<>();

    public PathRace(Instant deadline) {
        this.deadline = deadline;
    }

    public Instant deadline() {
        return deadline;
    }

    /** True once a path won, or the race failed or was given up. */
    public boolean decided() {
        return outcome.isDone();
    }

    /**
     * Waits up to {@code pause} for the race to be decided; true if it is. Contenders pause with
     * this instead of sleeping, so they stop as soon as a path wins or the race fails.
     */
    public boolean awaitDecided(Duration pause) throws InterruptedException {
        try {
            outcome.get(pause.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException failed) {
            // decided: the race failed
        }
        return true;
    }

    /** Offers a set-up, nominated path; true if it won. A path that comes too late is closed. */
    public boolean win(PeerPath path) {
        if (outcome.complete(path)) {
            return true;
        }
        path.session().close();
        return false;
    }

    /** Ends the race with {@code reason} (e.g. the peer refused), unless a path already won. */
    public void fail(IOException reason) {
        outcome.completeExceptionally(reason);
    }

    /** Notes why an attempt at {@code where} failed, for the message if no path wins. */
    public void attemptFailed(String where, String why) {
        synchronized (failures) {
            if (failures.size() < MAX_FAILURES || failures.containsKey(where)) {
                failures.put(where, why == null ? "failed" : why);
            }
        }
    }

    /**
     * Waits for the winner until the deadline.
     *
     * @param peer names the peer in the message
     * @throws NoPathException when nothing won in time; the race is then over and late paths are closed
     * @throws IOException the reason the race failed
     */
    public PeerPath await(String peer) throws IOException, InterruptedException {
        long millis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        try {
            return outcome.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Ends the race, unless a path won at the last moment: then that is the outcome.
            outcome.completeExceptionally(new NoPathException("no path to " + peer + " before the deadline; " + tried()));
            try {
                return outcome.join();
            } catch (CompletionException failed) {
                throw cause(failed);
            }
        } catch (ExecutionException e) {
            throw cause(e);
        }
    }

    private static IOException cause(Exception e) {
        return e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }

    private String tried() {
        synchronized (failures) {
            if (failures.isEmpty()) {
                return "no connection attempt completed";
            }
            StringBuilder sb = new StringBuilder("tried ");
            failures.forEach((where, why) -> sb.append(sb.length() > 6 ? "; " : "").append(where).append(" (").append(why).append(')'));
            return sb.toString();
        }
    }
}
