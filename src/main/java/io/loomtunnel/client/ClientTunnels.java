package io.loomtunnel.client;

import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.tunnel.UdpServiceFlows;
import io.loomtunnel.observe.Status;
import io.loomtunnel.tunnel.TunnelSpec;
import io.loomtunnel.tunnel.TunnelType;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client's tunnels: the specs it registers at each connect (those it started with, plus those
 * opened while running, minus those closed), the public tunnels of the current session, the
 * address the server gave each tunnel that asked for any port (asked for again at the next
 * registration, so that a reconnect keeps it), and each tunnel's counters, which live across
 * reconnects until the tunnel is closed.
 *
 * <p>Locking: {@code this} guards {@code specs}; the maps are concurrent, read by stream threads.
 */
final class ClientTunnels {
    private final EndpointMetrics metrics;
    /** This client as its meters name it: its key id abbreviated. */
    private final String client;
    private final List<TunnelSpec> specs;
    /** By tunnel name, the address the server last gave a TCP or UDP tunnel with remote port 0. */
    private final Map<String, String> given = new ConcurrentHashMap<>();
    private final Map<String, PublicTunnel> live = new ConcurrentHashMap<>();
    /** Where each live UDP tunnel's datagrams go, by the server's tunnel id: built once per registration, read per datagram. */
    private final Map<Integer, UdpServiceFlows.Target> udpById = new ConcurrentHashMap<>();
    private final Map<String, TunnelCounters> counters = new ConcurrentHashMap<>();
    private final ClientPolicies policies;

    ClientTunnels(List<TunnelSpec> initial, EndpointMetrics metrics, String client, ClientPolicies policies) {
        this.specs = new ArrayList<>(initial);
        this.policies = policies;
        this.metrics = metrics;
        this.client = client;
    }

    synchronized List<TunnelSpec> specs() {
        return List.copyOf(specs);
    }

    synchronized boolean has(String name) {
        return specs.stream().anyMatch(s -> s.name().equals(name));
    }

    synchronized void add(TunnelSpec spec) {
        specs.add(spec);
    }

    /** Forgets a tunnel for good: not registered again, its counters no longer watched. */
    synchronized void remove(String name) {
        specs.removeIf(s -> s.name().equals(name));
        unregistered(name);
        given.remove(name);
        TunnelCounters c = counters.remove(name);
        if (c != null) {
            metrics.release(c);
        }
    }

    /**
     * The address the server gave {@code spec} before, for a TCP or UDP tunnel that asked for any
     * port (remote port 0); else null.
     */
    String givenBefore(TunnelSpec spec) {
        return anyPort(spec) ? given.get(spec.name()) : null;
    }

    /** The port the server gave {@code spec} before, to ask for again; null if none (or an address without a port). */
    Integer portBefore(TunnelSpec spec) {
        String before = givenBefore(spec);
        if (before == null) {
            return null;
        }
        try {
            return Integer.valueOf(before.substring(before.lastIndexOf(':') + 1));
        } catch (NumberFormatException notAPort) {
            return null;
        }
    }

    private static boolean anyPort(TunnelSpec spec) {
        return spec.type() != TunnelType.HTTP && spec.remotePort() == 0;
    }

    /** The server exposed it in the current session. */
    void registered(PublicTunnel t) {
        live.put(t.spec().name(), t);
        if (anyPort(t.spec())) {
            given.put(t.spec().name(), t.address());
        }
        if (t.spec().type() == TunnelType.UDP) {
            udpById.put(t.tunnelId(), new UdpServiceFlows.Target(
                    InetSocketAddress.createUnresolved(t.spec().localHost(), t.spec().localPort()), counters(t.spec()),
                    t.spec().name(), policies.local(t.spec().name())));
        }
        metrics.tunnelOpened(t.spec().type().wireName());
    }

    private void unregistered(String name) {
        PublicTunnel t = live.remove(name);
        if (t != null) {
            udpById.remove(t.tunnelId());
            metrics.tunnelClosed(t.spec().type().wireName());
        }
    }

    /** The session ended: nothing is exposed until the next registration. */
    void sessionEnded() {
        List.copyOf(live.keySet()).forEach(this::unregistered);
    }

    /** The tunnel of this name exposed in the current session, or null. */
    PublicTunnel live(String name) {
        return live.get(name);
    }

    /** Whether the current session has a UDP tunnel. */
    boolean hasUdp() {
        return !udpById.isEmpty();
    }

    /** Where the UDP tunnel with the server's id {@code tunnelId} delivers, or null if none is live. */
    UdpServiceFlows.Target udpTarget(int tunnelId) {
        return udpById.get(tunnelId);
    }

    /** The tunnels' policies: those sent to the server, those run here. */
    ClientPolicies policies() {
        return policies;
    }

    TunnelCounters counters(TunnelSpec spec) {
        return counters.computeIfAbsent(spec.name(), n -> metrics.openTunnel(client, n, spec.type().wireName()));
    }

    int liveCount() {
        return live.size();
    }

    List<Status.Tunnel> status() {
        return live.values().stream().sorted(java.util.Comparator.comparing(t -> t.spec().name()))
                .map(t -> counters(t.spec()).tunnelStatus(t.spec().name(), t.spec().type().wireName(), t.address(), t.spec().local()))
                .toList();
    }
}
