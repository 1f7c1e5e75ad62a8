package io.loomtunnel.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The fault schedule: one fault every {@code spacing}, in a fixed cycle, one at a time: each is
 * injected, then its window stays open until every route through the parts it hit works again
 * ({@link Probes#recover}, at most {@link #RECOVERY}). The server is restarted only in the first
 * quarter (warm-up), so one server process lives through the quarters whose growth is judged;
 * later its slot kicks every session instead. No fault starts in the last half-spacing of the run.
 */
final class Faults implements Runnable {
    static final Duration RECOVERY = Duration.ofSeconds(90);
    static final int LOSS_PERCENT = 3;
    static final Duration OUTAGE = Duration.ofSeconds(4);
    static final String SQUEEZE_RATE = "4mbit";
    static final int DELAY_MS = 40;
    static final int JITTER_MS = 10;

    /** The faults, in the order of the cycle. */
    enum Kind {
        SERVER_RESTART, CLIENT_A_KILL, LINK_LOSS, SHARE_KILL, KICK_B, LINK_OUTAGE, CLIENT_C_KILL, LINK_SQUEEZE, LINK_DELAY,
        /** What the server restart's slot does after the first quarter. */
        KICK_ALL;

        String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    private final Cast cast;
    private final Link link;
    private final Probes probes;
    private final Admin admin;
    private final Env env;
    private final long start;
    private final long duration;
    private final long spacing;
    private final long linkFaultMs;
    private final List<Kind> cycle = new ArrayList<>();
    private int serverRestarts;

    /** {@code link} may be null: no link faults then. Times in ms on the run's clock. */
    Faults(Cast cast, Link link, Probes probes, Admin admin, Env env, long start, long duration, long spacing) {
        this.cast = cast;
        this.link = link;
        this.probes = probes;
        this.admin = admin;
        this.env = env;
        this.start = start;
        this.duration = duration;
        this.spacing = spacing;
        this.linkFaultMs = Math.clamp(duration / 12, 8_000, 30_000);
        for (Kind k : Kind.values()) {
            boolean linkFault = k.name().startsWith("LINK_");
            if (k != Kind.KICK_ALL && (!linkFault || link != null) && (k != Kind.LINK_DELAY || link != null && link.canDelay())
                    && (k != Kind.LINK_SQUEEZE || link != null && link.canSqueeze())) {
                cycle.add(k);
            }
        }
    }

    /** The faults this run's cycle has, by name. */
    List<String> cycle() {
        return cycle.stream().map(Kind::label).toList();
    }

    @Override
    public void run() {
        try {
            for (int slot = 1; ; slot++) {
                long at = start + slot * spacing;
                if (at > start + duration - spacing / 2 || env.verdict().awaitFailure(at - env.clock().now())) {
                    return;
                }
                Kind k = cycle.get((slot - 1) % cycle.size());
                inject(k == Kind.SERVER_RESTART && at >= start + duration / 4 ? Kind.KICK_ALL : k);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            env.verdict().fail("fault injection: " + e.getMessage());
        }
    }

    private void inject(Kind kind) throws Exception {
        switch (kind) {
            case SERVER_RESTART -> {
                FaultLog.Fault f = env.faults().open(kind.label(), Set.of(Part.SERVER), true);
                String how = restartServer();
                recovered(f, Set.of(Part.SERVER), how);
            }
            case KICK_ALL -> {
                FaultLog.Fault f = env.faults().open(kind.label(), Set.of(Part.SERVER), true);
                int kicked = admin.kick(cast.admin, null);
                recovered(f, Set.of(Part.SERVER), kicked + " sessions kicked");
            }
            case KICK_B -> {
                FaultLog.Fault f = env.faults().open(kind.label(), Set.of(Part.CLIENT_B), true);
                int kicked = admin.kick(cast.admin, "web");
                recovered(f, Set.of(Part.CLIENT_B), kicked + " session kicked");
            }
            case CLIENT_A_KILL -> killAndStart(kind, cast.clientA);
            case CLIENT_C_KILL -> killAndStart(kind, cast.clientC);
            case SHARE_KILL -> killAndStart(kind, cast.share);
            case LINK_LOSS -> linkFault(kind, () -> link.loss(LOSS_PERCENT), linkFaultMs, LOSS_PERCENT + "% each way");
            case LINK_OUTAGE -> linkFault(kind, link::outage, OUTAGE.toMillis(), "nothing passes");
            case LINK_SQUEEZE -> linkFault(kind, () -> link.squeeze(SQUEEZE_RATE), linkFaultMs, SQUEEZE_RATE + " each way");
            case LINK_DELAY -> linkFault(kind, () -> link.delay(DELAY_MS, JITTER_MS), linkFaultMs,
                    DELAY_MS + " ms ± " + JITTER_MS + " ms each way");
        }
    }

    /** SIGKILL the first time, SIGTERM (which must end it with exit code 0) the next, alternating; then a new server on the same ports. */
    private String restartServer() throws Exception {
        Member.Instance old = cast.server.current();
        String how;
        if (serverRestarts++ % 2 == 0) {
            old.kill();
            how = "SIGKILL";
        } else {
            int code = old.terminate(Duration.ofSeconds(30));
            if (code != 0) {
                env.verdict().fail("shutdown: " + old.label() + " exited with code " + code + " on SIGTERM (expected 0 within 30 s)");
            }
            how = "SIGTERM";
        }
        cast.server.start();
        Cast.awaitPort(cast.at(cast.control));
        return how;
    }

    private void killAndStart(Kind kind, Member member) throws Exception {
        FaultLog.Fault f = env.faults().open(kind.label(), Set.of(member.part), true);
        member.current().kill();
        Thread.sleep(1_000);
        member.start();
        recovered(f, Set.of(member.part), "SIGKILL, started again");
    }

    private void linkFault(Kind kind, Runnable apply, long millis, String what) throws Exception {
        FaultLog.Fault f = env.faults().open(kind.label(), Set.of(Part.LINK), false);
        try {
            apply.run();
            Thread.sleep(millis);
        } finally {
            link.clear();
        }
        recovered(f, Set.of(Part.LINK), what + " for " + millis / 1000.0 + " s");
    }

    private void recovered(FaultLog.Fault f, Set<Part> hit, String how) throws InterruptedException {
        String missing = probes.recover(hit, RECOVERY);
        long took = env.clock().now() - f.start;
        if (missing != null) {
            env.verdict().fail("recovery: after fault " + f.number + " (" + f.kind + "), " + missing + " did not work again within "
                    + RECOVERY.toSeconds() + " s");
        }
        env.faults().close(f, how + "; routes back after " + took / 1000.0 + " s");
        System.out.printf("soak: %s fault %d %s (%s): routes back after %.1f s%n", Soak.minutes(f.start - start), f.number, f.kind,
                how, took / 1000.0);
    }
}
