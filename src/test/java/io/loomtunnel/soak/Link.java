package io.loomtunnel.soak;

import io.loomtunnel.natlab.Commands;
import java.util.ArrayList;
import java.util.List;

/**
 * The emulated link in front of client C: a namespace {@code wire} that routes between the root
 * namespace (its device {@code wan}) and client C's namespace (its device {@code lan}), made by
 * scripts/soak. Faults are applied inside {@code wire} only, to both directions: loss, a brief
 * outage, delay and a bandwidth squeeze. Loss, outage and delay use netem where the kernel has it
 * ({@code sch_netem}); without it, loss and the outage are iptables DROP rules in wire's FORWARD
 * chain (the statistic match for loss) and delay is not available. The squeeze is a tbf qdisc.
 */
final class Link {
    private static final List<String> DEVICES = List.of("wan", "lan");

    private final String wire;
    private final boolean netem;
    private final String netemProblem;
    private final boolean tbf;

    private Link(String wire, boolean netem, String netemProblem, boolean tbf) {
        this.wire = wire;
        this.netem = netem;
        this.netemProblem = netemProblem;
        this.tbf = tbf;
    }

    /** Finds out what this kernel offers for the link in namespace {@code wire}. */
    static Link open(String wire) {
        Commands.Result netem = Commands.attempt(inside(wire, "tc", "qdisc", "add", "dev", "lan", "root", "netem", "delay", "1ms"));
        Commands.attempt(inside(wire, "tc", "qdisc", "del", "dev", "lan", "root"));
        Commands.Result tbf = Commands.attempt(inside(wire, "tc", "qdisc", "add", "dev", "lan", "root", "tbf", "rate", "1mbit",
                "burst", "32kb", "latency", "400ms"));
        Commands.attempt(inside(wire, "tc", "qdisc", "del", "dev", "lan", "root"));
        return new Link(wire, netem.ok(), netem.ok() ? null : netem.output().strip(), tbf.ok());
    }

    /** One line on how faults are made here. */
    String describe() {
        return netem ? "netem in " + wire + " (loss, outage, delay)" + (tbf ? ", tbf (squeeze)" : "")
                : "netem unavailable (tc: " + netemProblem + "): delay skipped; loss and outage by iptables in " + wire
                        + (tbf ? ", squeeze by tbf" : ", squeeze skipped (no tbf)");
    }

    boolean canDelay() {
        return netem;
    }

    boolean canSqueeze() {
        return tbf;
    }

    /** Drops {@code percent} % of packets each way. */
    void loss(int percent) {
        if (netem) {
            qdisc("netem", "loss", percent + "%");
        } else {
            run("iptables", "-w", "-I", "FORWARD", "-m", "statistic", "--mode", "random", "--probability",
                    String.valueOf(percent / 100.0), "-j", "DROP");
        }
    }

    /** Drops everything each way until {@link #clear()}. */
    void outage() {
        if (netem) {
            qdisc("netem", "loss", "100%");
        } else {
            run("iptables", "-w", "-I", "FORWARD", "-j", "DROP");
        }
    }

    /** Delays every packet each way (netem only). */
    void delay(int millis, int jitterMillis) {
        qdisc("netem", "delay", millis + "ms", jitterMillis + "ms");
    }

    /** Limits each way to {@code rate} (tc syntax, e.g. 4mbit). */
    void squeeze(String rate) {
        qdisc("tbf", "rate", rate, "burst", "32kb", "latency", "400ms");
    }

    /** Back to a clean link. */
    void clear() {
        for (String device : DEVICES) {
            Commands.attempt(inside(wire, "tc", "qdisc", "del", "dev", device, "root")); // none there is fine
        }
        run("iptables", "-w", "-F", "FORWARD");
    }

    private void qdisc(String kind, String... args) {
        for (String device : DEVICES) {
            List<String> command = new ArrayList<>(List.of("tc", "qdisc", "replace", "dev", device, "root", kind));
            command.addAll(List.of(args));
            run(command.toArray(String[]::new));
        }
    }

    private void run(String... command) {
        Commands.Result r = Commands.attempt(inside(wire, command));
        if (!r.ok()) {
            throw new IllegalStateException("link: `" + String.join(" ", command) + "` in " + wire + " failed: " + r.output());
        }
    }

    private static List<String> inside(String ns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return full;
    }
}
