package io.loomtunnel.natlab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A NAT lab made of Linux network namespaces, for tests that need real NATs between peers
 * (docs/TESTING.md, "NAT lab"). Needs root, iproute2 and iptables; {@link Builder#start()} skips
 * the calling test (JUnit assumption) where they are missing.
 *
 * <pre>
 *   namespace "pub": the internet segment, bridge sw0, 198.18.0.1 (the server host)
 *        |                 |                          |
 *   public host k     router i (NAT type)         router j ...
 *   198.18.0.(100+k)  wan 198.18.0.(10+i)
 *                     lan 198.19.i.1 (bridge)
 *                      |            |
 *                   host 198.19.i.2  host 198.19.i.3 ...   (default route via 198.19.i.1)
 * </pre>
 *
 * Addresses come from 198.18.0.0/15, the range set aside for network benchmarks (RFC 2544): no
 * real internet or RFC 1918 address appears, and the lab has no link to the root namespace, so
 * nothing leaves it. The public segment has no route to any LAN: a private address is
 * unreachable from outside, as on the internet. Routers' rules are in {@link NatType}.
 *
 * <p><b>Usage.</b>
 * <pre>{@code
 * try (NatLab lab = NatLab.builder()
 *         .router("ra", NatType.ENDPOINT_INDEPENDENT, "alice")
 *         .router("rb", NatType.SYMMETRIC, "bob")
 *         .start()) {
 *     WatchedProcess server = lab.pub().startJava(Map.of(), "-jar", jar, "server", ...);
 *     WatchedProcess alice = lab.host("alice").startJava(Map.of(), "-jar", jar, "share", ...);
 *     alice.await("ready", Duration.ofSeconds(20));
 *     lab.router("ra").publicAddress();   // 198.18.0.11, what the server sees alice as
 * }
 * }</pre>
 *
 * <p><b>Cleanup.</b> Namespaces are named {@code ltnat-<pid>-<4 hex>-<role>} ({@link LabNames}).
 * {@link #close()} kills the processes the lab started (and anything else left inside its
 * namespaces), then deletes the namespaces, which removes their veths, iptables rules and
 * conntrack state. A shutdown hook does the same when the JVM exits without closing, and every
 * {@code start()} first deletes namespaces whose creating JVM is gone (a killed run's leftovers).
 * A failure half way through {@code start()} removes what was made before rethrowing.
 *
 * <p><b>TCP simultaneous open, as measured here</b> ({@link SimultaneousOpen}, run by NatProbe's
 * {@code punch}; NatLabIT asserts it; Linux 6.18, two EIM routers, no other traffic):
 * <ul>
 * <li>Ports: both peers bind the same local port P (41000 in the test) and connect to the other's
 *     router address with port P. EIM routers keep P, so nothing is predicted. A connection from
 *     P to a server in pub, opened first and held open (SO_REUSEADDR + SO_REUSEPORT on both
 *     sockets), shows the server {@code router:P}: a signaling server can tell each peer the
 *     other's public address, and the punch from P works while that connection stays up.
 * <li>Retries: each attempt is a fresh socket bound to P, connect timeout 1 s, then 100 ms pause
 *     before the next. Started 0, 1, 3 and 6 s apart (deadline 15 s) it always connected: the
 *     late peer on its first attempt 20 to 150 ms after it started, the early one on the attempt
 *     then in flight (after 1 to 6 attempts). Attempt timeouts of 200 ms and 3 s (the kernel
 *     resends the SYN after 1 s) worked as well, and so did no pause at all.
 * <li>Why retrying from the same port works: the early peer's SYNs are dropped by the far router
 *     (no conntrack entry there), but each leaves a SYN_SENT entry in its own router (120 s,
 *     {@code nf_conntrack_tcp_timeout_syn_sent}) that later attempts from P reuse, mapping
 *     included; a connect that timed out leaves no TIME_WAIT, so P is free at once. When the
 *     late peer's SYN arrives it matches that entry and reaches the early peer's socket in
 *     SYN_SENT, which answers SYN-ACK: the connection forms in one round trip.
 * <li>No listener is needed: the SYN meets the connecting socket's exact 4-tuple.
 * <li>What fails: if each side has a connect in flight only briefly (200 ms attempts, 1 s
 *     pauses) the two can miss each other for good: one such run, started 0.5 s apart, gave up
 *     after 8 s. A SYN that finds no socket is answered with RST and the sender sees "Connection
 *     refused" at once; retrying then works. Keep a connect in flight nearly all the time.
 * <li>Symmetric NAT on one side: never connects; both sides time out until the deadline.
 * <li>Routers that answer unsolicited SYNs with RST ({@link NatType#REJECTING}): next to an
 *     EIM router that drops, the punch works whichever side starts first (the early side just
 *     sees "refused" until the late side's SYN is out, or the dropping side's connect stays in
 *     flight). Between two of them it never worked: each RST, the reply to a SYN, also ends the
 *     sender's own conntrack entry, so the two SYNs meet only if sent within about one round
 *     trip of each other; on these sub-millisecond links that never happened in 20 s.
 * </ul>
 *
 * <p>Locking: {@code this} guards {@code processes}, {@code namespaces} and {@code closed}; the
 * only commands run under it are starting a process and adding a namespace, which must not race
 * with close.
 */
public final class NatLab implements AutoCloseable {
    /**
     * The JUnit resource lock every lab test class holds: labs run one at a time (NatLabCleanupIT
     * checks that none is left, and two labs would share the machine's two cores), while other
     * ITs, which only use loopback in the root namespace, may run beside one.
     */
    public static final String LOCK = "loomtunnel.natlab";

    private static final Pattern NAME = Pattern.compile("[a-z0-9]{1,12}");

    private final String prefix = LabNames.newLabPrefix();
    private final List<Namespace> namespaces = new ArrayList<>(); // in creation order
    private final Map<String, LabHost> hosts = new LinkedHashMap<>();
    private final Map<String, LabRouter> routers = new LinkedHashMap<>();
    private final List<WatchedProcess> processes = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::closeQuietly, "natlab-shutdown");
    private boolean closed;
    private LabHost pub;

    private NatLab() {}

    public static Builder builder() {
        return new Builder();
    }

    /** The public segment's own host, 198.18.0.1: where a server runs. */
    public LabHost pub() {
        return pub;
    }

    /** A host by the name it was built with: behind a router, on the public segment, or "pub". */
    public LabHost host(String name) {
        LabHost host = hosts.get(name);
        if (host == null) {
            throw new IllegalArgumentException("no host " + name + " in this lab; hosts: " + hosts.keySet());
        }
        return host;
    }

    public LabRouter router(String name) {
        LabRouter router = routers.get(name);
        if (router == null) {
            throw new IllegalArgumentException("no router " + name + " in this lab; routers: " + routers.keySet());
        }
        return router;
    }

    /** The prefix every namespace of this lab starts with. */
    public String prefix() {
        return prefix;
    }

    WatchedProcess launch(String label, List<String> command, Map<String, String> env) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the lab is closed");
            }
            try {
                Process process = WatchedProcess.launch(command, env);
                WatchedProcess p = new WatchedProcess(label + "-" + process.pid(), process);
                processes.add(p);
                return p;
            } catch (IOException e) {
                throw new LabException("cannot start `" + String.join(" ", command) + "`: " + e.getMessage());
            }
        }
    }

    /**
     * Kills the lab's processes and deletes its namespaces. Tries every step even when one fails,
     * then throws a {@link LabException} naming what could not be removed. Idempotent.
     */
    @Override
    public void close() {
        List<String> failures = new ArrayList<>();
        List<WatchedProcess> running;
        List<Namespace> made;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = List.copyOf(processes);
            made = List.copyOf(namespaces);
        }
        for (WatchedProcess p : running) {
            try {
                p.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Namespace ns : made.reversed()) {
            String failure = ns.destroy();
            if (failure != null) {
                failures.add(failure);
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // we are the hook, or the JVM is already exiting
        }
        if (!failures.isEmpty()) {
            throw new LabException("NAT lab " + prefix + " not fully removed: " + String.join("; ", failures));
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (LabException e) {
            System.err.println(e.getMessage());
        }
    }

    /** Creates a namespace; refuses once closed, so a shutdown hook that ran mid-build leaves nothing behind. */
    private synchronized Namespace namespace(String role) {
        if (closed) {
            throw new IllegalStateException("the lab was closed while being built");
        }
        Namespace ns = Namespace.create(prefix + role);
        namespaces.add(ns);
        return ns;
    }

    private void build(Builder spec) {
        Namespace pubNs = namespace("pub");
        pubNs.bridge("sw0", "198.18.0.1/24");
        // The internet is a plain wire: where br_netfilter is loaded (Docker loads it), bridged frames
        // would otherwise pass pub's own netfilter hooks. Absent module, absent setting: nothing to do.
        Commands.attempt(pubNs.inside(List.of("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0")));
        pub = addHost("pub", pubNs, "198.18.0.1", "198.18.0.1");
        int k = 0;
        for (String name : spec.publicHosts) {
            k++;
            String address = "198.18.0." + (100 + k);
            Namespace ns = namespace(name);
            ns.linkTo("eth0", pubNs, "p" + k, "sw0");
            ns.address("eth0", address + "/24");
            addHost(name, ns, address, address);
        }
        int i = 0;
        for (Map.Entry<String, RouterSpec> e : spec.routers.entrySet()) {
            i++;
            buildRouter(e.getKey(), e.getValue(), i, pubNs);
        }
    }

    private void buildRouter(String name, RouterSpec spec, int i, Namespace pubNs) {
        String wan = "198.18.0." + (10 + i);
        String lan = "198.19." + i + ".";
        Namespace router = namespace(name);
        router.linkTo("wan", pubNs, "r" + i, "sw0");
        router.address("wan", wan + "/24");
        router.bridge("lan", lan + "1/24");
        router.run(List.of("sysctl", "-qw", "net.ipv4.ip_forward=1"), "");
        router.run(List.of("iptables-restore", "-w"), spec.type.rules());
        List<LabHost> behind = new ArrayList<>();
        int j = 1;
        for (String hostName : spec.hosts) {
            j++;
            Namespace ns = namespace(hostName);
            ns.linkTo("eth0", router, "h" + j, "lan");
            ns.address("eth0", lan + j + "/24");
            ns.ip("route", "add", "default", "via", lan + "1");
            behind.add(addHost(hostName, ns, lan + j, wan));
        }
        routers.put(name, new LabRouter(name, router.name(), spec.type, ip(wan), ip(lan + "1"), List.copyOf(behind)));
    }

    private LabHost addHost(String name, Namespace ns, String address, String publicAddress) {
        LabHost host = new LabHost(name, ns, ip(address), ip(publicAddress), this);
        hosts.put(name, host);
        return host;
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private record RouterSpec(NatType type, List<String> hosts) {}

    /** What to build: routers (each with its NAT type and hosts) and extra public hosts. Names: 1 to 12 of [a-z0-9], unique. */
    public static final class Builder {
        private final Map<String, RouterSpec> routers = new LinkedHashMap<>();
        private final List<String> publicHosts = new ArrayList<>();
        private final List<String> names = new ArrayList<>(List.of("pub"));

        private Builder() {}

        /** A NAT router of {@code type} with {@code hosts} on its LAN (at least one). */
        public Builder router(String name, NatType type, String... hosts) {
            if (hosts.length == 0 || hosts.length > 250) {
                throw new IllegalArgumentException("router " + name + " needs 1 to 250 hosts");
            }
            claim(name);
            for (String host : hosts) {
                claim(host);
            }
            routers.put(name, new RouterSpec(type, List.of(hosts)));
            return this;
        }

        /** Another host on the public segment next to pub (a relay, a second server, a public peer). */
        public Builder publicHost(String name) {
            claim(name);
            publicHosts.add(name);
            return this;
        }

        private void claim(String name) {
            if (!NAME.matcher(name).matches() || names.contains(name)) {
                throw new IllegalArgumentException("lab names are 1 to 12 of [a-z0-9] and unique: " + name);
            }
            names.add(name);
        }

        /**
         * Builds the lab: skips the calling test unless the machine can (see class comment), removes
         * stale namespaces of crashed runs, then makes every namespace, link, address and rule.
         */
        public NatLab start() {
            if (routers.size() > 89 || publicHosts.size() > 150) {
                throw new IllegalArgumentException("at most 89 routers and 150 public hosts");
            }
            LabPreconditions.assume();
            LabNames.removeStale();
            NatLab lab = new NatLab();
            Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
            try {
                lab.build(this);
            } catch (RuntimeException e) {
                try {
                    lab.close();
                } catch (LabException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            return lab;
        }
    }
}
