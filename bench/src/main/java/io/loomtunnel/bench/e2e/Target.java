package io.loomtunnel.bench.e2e;

import java.util.Map;

/**
 * A way to reach the services: its column in the report, the loopback port in front of each service
 * it relays, its processes by role ("server", "client", "relay") for memory readings, and the port
 * of the loomtunnel server's HTTPS listener in front of the HTTP service (-1 for every other target).
 */
record Target(String name, Map<Service, Integer> ports, Map<String, Long> processes, int httpsPort) {
    Target {
        ports = Map.copyOf(ports);
        processes = Map.copyOf(processes);
    }

    Target(String name, Map<Service, Integer> ports, Map<String, Long> processes) {
        this(name, ports, processes, -1);
    }

    boolean relays(Service service) {
        return ports.containsKey(service);
    }

    int port(Service service) {
        return ports.get(service);
    }
}
