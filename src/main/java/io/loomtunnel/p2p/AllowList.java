package io.loomtunnel.p2p;

import io.loomtunnel.tls.PeerId;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which peers may connect to a sharing peer, and to which of its services: each allowed id maps
 * to the names of the services it may reach, or to an empty set for every service.
 *
 * @param peers allowed ids, each with its services (empty: all)
 */
public record AllowList(Map<PeerId, Set<String>> peers) {
    /** Copies the map and its sets. */
    public AllowList {
        Map<PeerId, Set<String>> copy = new HashMap<>();
        peers.forEach((id, services) -> copy.put(id, Set.copyOf(services)));
        peers = Map.copyOf(copy);
    }

    /**
     * Nobody.
     *
     * @return the empty list
     */
    public static AllowList none() {
        return new AllowList(Map.of());
    }

    /**
     * This list and {@code id}, allowed every service (an id already listed keeps its entry).
     *
     * @param id the peer
     * @return a new list
     */
    public AllowList with(PeerId id) {
        return with(id, Set.of());
    }

    /**
     * This list and {@code id}, allowed {@code services} (empty: all); an id already listed keeps its entry.
     *
     * @param id the peer
     * @param services the service names it may reach
     * @return a new list
     */
    public AllowList with(PeerId id, Set<String> services) {
        Map<PeerId, Set<String>> m = new HashMap<>(peers);
        m.putIfAbsent(id, services);
        return new AllowList(m);
    }

    /**
     * This list and every entry of {@code other} (an id in both keeps this list's entry).
     *
     * @param other more entries
     * @return a new list
     */
    public AllowList plus(AllowList other) {
        Map<PeerId, Set<String>> m = new HashMap<>(other.peers);
        m.putAll(peers);
        return new AllowList(m);
    }

    /**
     * Whether {@code id} is on the list.
     *
     * @param id the peer
     * @return true if it may connect to some service
     */
    public boolean allows(PeerId id) {
        return peers.containsKey(id);
    }

    /**
     * Whether {@code id} may reach {@code service}.
     *
     * @param id the peer
     * @param service the service's name
     * @return true if it may
     */
    public boolean allows(PeerId id, String service) {
        Set<String> services = peers.get(id);
        return services != null && (services.isEmpty() || services.contains(service));
    }

    /**
     * Whether nobody is allowed.
     *
     * @return true for the empty list
     */
    public boolean isEmpty() {
        return peers.isEmpty();
    }
}
