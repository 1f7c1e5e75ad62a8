package io.loomtunnel.p2p;

import io.loomtunnel.tls.PeerId;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which peers may connect to a sharing peer, and to which of its services: each allowed id maps
 * to the names of the services it may reach, or to an empty set for every service.
 */
public record AllowList(Map<PeerId, Set<String>> peers) {
    public AllowList {
        Map<PeerId, Set<String>> copy = new HashMap<>();
        peers.forEach((id, services) -> copy.put(id, Set.copyOf(services)));
        peers = Map.copyOf(copy);
    }

    /** Nobody. */
    public static AllowList none() {
        return new AllowList(Map.of());
    }

    /** This list and {@code id}, allowed every service (an id already listed keeps its entry). */
    public AllowList with(PeerId id) {
        return with(id, Set.of());
    }

    /** This list and {@code id}, allowed {@code services} (empty: all); an id already listed keeps its entry. */
    public AllowList with(PeerId id, Set<String> services) {
        Map<PeerId, Set<String>> m = new HashMap<>(peers);
        m.putIfAbsent(id, services);
        return new AllowList(m);
    }

    /** This list and every entry of {@code other} (an id in both keeps this list's entry). */
    public AllowList plus(AllowList other) {
        Map<PeerId, Set<String>> m = new HashMap<>(other.peers);
        m.putAll(peers);
        return new AllowList(m);
    }

    public boolean allows(PeerId id) {
        return peers.containsKey(id);
    }

    public boolean allows(PeerId id, String service) {
        Set<String> services = peers.get(id);
        return services != null && (services.isEmpty() || services.contains(service));
    }

    public boolean isEmpty() {
        return peers.isEmpty();
    }
}
