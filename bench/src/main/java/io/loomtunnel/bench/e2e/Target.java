package io.loomtunnel.bench.e2e;

import java.util.Map;

/**
 * A way to reach the services: its column in the report, the loopback port in front of each service
 * it relays, and its processes by role ("server", "client", "relay") for memory readings.
 */
record Target(String name, Map<Service, Integer> ports, Map<String, Long> processes) {
    Target {
        ports = Map.copyOf(ports);
        processes = Map.copyOf(processes);
    }

    boolean relays(Service service) {
        return ports.containsKey(service);
    }

    int port(Service service) {
        return ports.get(service);
    }
}
