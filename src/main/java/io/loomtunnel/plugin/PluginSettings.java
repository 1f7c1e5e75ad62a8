package io.loomtunnel.plugin;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A process's plugins and policies: where its custom plugin jars are, and the policies it declares
 * (docs/PLUGINS.md).
 *
 * <p>On a server, {@code policies} are server-wide: they run on every tunnel, before the tunnel's own,
 * and may be custom plugins; {@code tunnels} must be empty. On a client, {@code tunnels} holds each
 * tunnel's policies by tunnel name and {@code policies} those of every tunnel (run first): the
 * built-in ones travel with the tunnel's registration and run on the server's ingress, custom ones
 * run on the client before the local service.
 *
 * @param directory the directory whose {@code *.jar} files hold custom providers, or null for none
 * @param policies the policies of every tunnel
 * @param tunnels the policies of each tunnel, by tunnel name
 */
public record PluginSettings(Path directory, List<PolicySpec> policies, Map<String, List<PolicySpec>> tunnels) {
    /** No plugin directory and no policies. */
    public static final PluginSettings NONE = new PluginSettings(null, List.of(), Map.of());

    /**
     * Copies the lists.
     *
     * @param directory the plugin directory or null
     * @param policies the policies of every tunnel
     * @param tunnels the policies of each tunnel
     */
    public PluginSettings {
        policies = List.copyOf(Objects.requireNonNull(policies, "policies"));
        tunnels = Objects.requireNonNull(tunnels, "tunnels").entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> List.copyOf(e.getValue())));
    }

    /**
     * The policies a tunnel declares: those of every tunnel, then its own.
     *
     * @param tunnel the tunnel's name
     * @return the list, in order
     */
    public List<PolicySpec> forTunnel(String tunnel) {
        List<PolicySpec> own = tunnels.getOrDefault(tunnel, List.of());
        if (own.isEmpty()) {
            return policies;
        }
        return Stream.concat(policies.stream(), own.stream()).toList();
    }
}
