package io.loomtunnel.internal.concurrent;

/**
 * Joining a helper thread that a caller started for the other direction of a splice, so that the
 * caller's owner owns the helper too: the caller never returns before the helper ends.
 */
public final class Joins {
    private Joins() {}

    /**
     * Waits for {@code helper} to end. An interrupt (the owner closing) runs {@code abort}, which
     * must wake the helper (close what it is blocked on), and the wait goes on; the interrupt is
     * kept for the caller.
     */
    public static void joinAborting(Thread helper, Runnable abort) {
        boolean interrupted = false;
        while (true) {
            try {
                helper.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                abort.run();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
