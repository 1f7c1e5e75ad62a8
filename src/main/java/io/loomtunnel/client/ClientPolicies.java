package io.loomtunnel.client;

import io.loomtunnel.internal.policy.PolicyChain;
import io.loomtunnel.internal.policy.PolicyRegistry;
import io.loomtunnel.internal.policy.PolicySpecs;
import io.loomtunnel.plugin.PluginSettings;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicySpec;
import io.loomtunnel.tunnel.TunnelSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's side of its tunnels' policies (docs/PLUGINS.md): of each tunnel's declared list, the
 * built-in policies travel with its registration and run on the server's ingress; the custom ones
 * (from this client's plugin directory) run here, on each connection or datagram before the local
 * service. Made once when the client starts; a config error is an IllegalArgumentException then.
 */
final class ClientPolicies implements AutoCloseable {
    private final PluginSettings settings;
    private final PolicyRegistry registry;
    private final Map<String, PolicyChain> local = new HashMap<>();

    private ClientPolicies(PluginSettings settings, PolicyRegistry registry) {
        this.settings = settings;
        this.registry = registry;
    }

    static ClientPolicies start(PluginSettings settings, List<TunnelSpec> tunnels) {
        try {
            ClientPolicies p = new ClientPolicies(settings,
                    PolicyRegistry.load("client policies", settings.directory(), PolicyChain.DEFAULT_BOUND));
            for (TunnelSpec t : tunnels) {
                p.local.put(t.name(), p.registry.chain(p.split(t.name(), false)));
                p.registry.remoteChain(p.split(t.name(), true)).close(); // as the server will: errors show here first
            }
            return p;
        } catch (PolicyConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The built-in policies of tunnel {@code name} as open_tunnel carries them, or null for none. */
    List<Map<String, Object>> declared(String name) {
        List<PolicySpec> builtIn = split(name, true);
        return builtIn.isEmpty() ? null : PolicySpecs.toWire(builtIn);
    }

    /** How many policies the server must confirm for tunnel {@code name}. */
    int declaredCount(String name) {
        return split(name, true).size();
    }

    /** The chain this client runs for tunnel {@code name} (its custom policies). */
    synchronized PolicyChain local(String name) {
        return local.getOrDefault(name, PolicyChain.EMPTY);
    }

    private List<PolicySpec> split(String name, boolean builtIn) {
        List<PolicySpec> out = new ArrayList<>();
        for (PolicySpec s : settings.forTunnel(name)) {
            if (registry.isBuiltIn(s.type()) == builtIn) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        local.values().forEach(PolicyChain::close);
        local.clear();
        registry.close(); // its hook watchdog
    }
}
