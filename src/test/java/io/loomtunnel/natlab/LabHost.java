package io.loomtunnel.natlab;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A machine in a lab: a namespace with one address, either behind a NAT router (a private LAN
 * address, its default route via the router) or on the public segment. Processes it starts run
 * inside its namespace and are killed when the lab closes.
 */
public final class LabHost {
    private final String name;
    private final Namespace namespace;
    private final InetAddress address;
    private final InetAddress publicAddress;
    private final NatLab lab;

    LabHost(String name, Namespace namespace, InetAddress address, InetAddress publicAddress, NatLab lab) {
        this.name = name;
        this.namespace = namespace;
        this.address = address;
        this.publicAddress = publicAddress;
        this.lab = lab;
    }

    /** The name the lab was built with ("pub" for the public segment's own host). */
    public String name() {
        return name;
    }

    /** The network namespace's name, for {@code ip netns exec} by hand. */
    public String namespace() {
        return namespace.name();
    }

    /** Its own address: private behind a router, public on the public segment. */
    public InetAddress address() {
        return address;
    }

    /** The address the public segment sees it from: its router's public address, or its own when public. */
    public InetAddress publicAddress() {
        return publicAddress;
    }

    /** Starts {@code command} inside this host's namespace (see {@link WatchedProcess#launch} for the environment). */
    public WatchedProcess start(List<String> command) {
        return start(Map.of(), command);
    }

    /** Starts {@code command} inside this host's namespace with {@code env} added to its environment. */
    public WatchedProcess start(Map<String, String> env, List<String> command) {
        return lab.launch(name, namespace.inside(command), env);
    }

    /**
     * Starts the test JVM's own java ({@code java.home}, so the JDK scripts/lib.sh chose) inside
     * this host with {@code args}, e.g. {@code startJava(Map.of(), "-jar", jar, "connect", ...)}.
     */
    public WatchedProcess startJava(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        command.addAll(List.of(args));
        return start(env, command);
    }

    /** Runs {@code command} inside this host to completion and returns its output (e.g. {@code ip address} when debugging). */
    public String run(String... command) {
        return namespace.run(List.of(command), "");
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public String toString() {
        return name + " (" + address.getHostAddress() + " in " + namespace.name() + ")";
    }
}
