package io.loomtunnel.natlab;

import java.util.ArrayList;
import java.util.List;

/** One named network namespace of a lab: configures it with {@code ip -n} and runs commands in it. */
final class Namespace {
    private final String name;

    Namespace(String name) {
        this.name = name;
    }

    /** Creates the namespace with its loopback up. */
    static Namespace create(String name) {
        Commands.run(List.of("ip", "netns", "add", name));
        Namespace ns = new Namespace(name);
        ns.ip("link", "set", "dev", "lo", "up");
        return ns;
    }

    String name() {
        return name;
    }

    /** {@code ip -n NAME args...}. Device names always follow {@code dev} or {@code name}: ip reads a bare "br" as "broadcast". */
    void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        Commands.run(command);
    }

    /** The command line that runs {@code command} inside this namespace. */
    List<String> inside(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    /** Runs {@code command} inside this namespace to completion, with {@code stdin} as input; returns its output. */
    String run(List<String> command, String stdin) {
        return Commands.run(inside(command), stdin);
    }

    /** A veth pair: {@code local} here and {@code remote} in {@code other}, both up; the remote end joins {@code bridge} there. */
    void linkTo(String local, Namespace other, String remote, String bridge) {
        ip("link", "add", "name", local, "type", "veth", "peer", "name", remote, "netns", other.name);
        other.ip("link", "set", "dev", remote, "master", bridge, "up");
        ip("link", "set", "dev", local, "up");
    }

    /** A bridge named {@code bridge}, up, holding {@code cidr}. */
    void bridge(String bridge, String cidr) {
        ip("link", "add", "name", bridge, "type", "bridge");
        ip("link", "set", "dev", bridge, "up");
        address(bridge, cidr);
    }

    void address(String device, String cidr) {
        ip("address", "add", cidr, "dev", device);
    }

    /**
     * Kills every process still inside (a lab's own processes, or a crashed run's leftovers), then
     * deletes the namespace, which takes its interfaces, veth peers, iptables rules and conntrack
     * table with it. Returns what went wrong, or null.
     */
    String destroy() {
        Commands.Result pids = Commands.attempt(List.of("ip", "netns", "pids", name));
        if (pids.ok() && !pids.output().isBlank()) {
            List<String> kill = new ArrayList<>(List.of("kill", "-KILL"));
            kill.addAll(List.of(pids.output().split("\\s+")));
            Commands.attempt(kill); // a process may have ended meanwhile
        }
        Commands.Result del = Commands.attempt(List.of("ip", "netns", "delete", name));
        return del.ok() ? null : "ip netns delete " + name + ": " + del.output();
    }
}
