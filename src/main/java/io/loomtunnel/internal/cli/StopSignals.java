package io.loomtunnel.internal.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM as requests to stop gracefully. The first runs the stop action on a
 * thread of its own and leaves the exit code to the command (0 for a drained stop, rather than
 * the JVM's 130/143 for "killed"); a second one ends the process at once.
 *
 * <p>Why signal handlers and not a shutdown hook: during JVM shutdown the exit status is fixed
 * by the signal and the main thread cannot exit; handling the signal keeps the command in charge.
 */
final class StopSignals {
    private StopSignals() {}

    static void onStop(Runnable stop) {
        AtomicBoolean requested = new AtomicBoolean();
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), signal -> {
                if (requested.compareAndSet(false, true)) {
                    Thread.ofPlatform().name("stop-on-SIG" + name).start(stop);
                } else {
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                }
            });
        }
    }
}
