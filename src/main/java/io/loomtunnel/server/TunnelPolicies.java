package io.loomtunnel.server;

import io.loomtunnel.internal.policy.PolicyChain;
import io.loomtunnel.internal.policy.PolicyRegistry;
import io.loomtunnel.internal.policy.PolicySpecs;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PluginSettings;
import java.util.List;
import java.util.Map;

/**
 * The server's policies (docs/PLUGINS.md): its registry of providers (built-in, and custom ones
 * from its plugin directory) and its server-wide chain, made once at start; each tunnel's chain is
 * the server-wide one followed by the built-in policies its client declared. Closing ends the
 * registry's hook watchdog (the tunnels are gone by then).
 */
final class TunnelPolicies implements AutoCloseable {
    private final PolicyRegistry registry;
    private final PolicyChain serverWide;

    private TunnelPolicies(PolicyRegistry registry, PolicyChain serverWide) {
        this.registry = registry;
        this.serverWide = serverWide;
    }

    /** Loads the plugin directory and makes the server-wide chain; a config error is an IllegalArgumentException. */
    static TunnelPolicies start(PluginSettings settings) {
        try {
            PolicyRegistry registry = PolicyRegistry.load("server policies", settings.directory(), PolicyChain.DEFAULT_BOUND);
            return new TunnelPolicies(registry, registry.chain(settings.policies()));
        } catch (PolicyConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The policies a client declared for its tunnel {@code name} (wire form, null for none), made with built-in providers. */
    PolicyChain declared(String name, List<Map<String, Object>> wire) throws PortBinder.RefusedException {
        if (wire == null || wire.isEmpty()) {
            return PolicyChain.EMPTY;
        }
        try {
            return registry.remoteChain(PolicySpecs.read(wire, "tunnel " + name + ": policies", null));
        } catch (PolicyConfigException e) {
            throw new PortBinder.RefusedException(e.getMessage());
        }
    }

    /** The chain a tunnel runs: the server-wide policies, then its own. */
    PolicyChain forTunnel(PolicyChain own) {
        return serverWide.then(own);
    }

    @Override
    public void close() {
        serverWide.close();
        registry.close(); // its hook watchdog
    }
}
