package io.loomtunnel.plugin;

/**
 * Makes policies of one type: found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/io.loomtunnel.plugin.PolicyProvider}) and chosen by {@link #name()},
 * which a config's {@code policies = [{ type = "NAME", ... }]} entry names.
 *
 * <p>Built-in providers are on loomtunnel's own class path; custom ones come from the jars of a
 * process's {@code --plugins} directory and run only in that process (a client can never make the
 * server load code: the server makes client-declared policies with built-in providers only).
 */
public interface PolicyProvider {
    /**
     * The type name config entries use: lower case letters, digits and '-', unique among the
     * providers a process sees.
     *
     * @return the policy type's name
     */
    String name();

    /**
     * Makes one policy from its settings (every key of its config entry but {@code type}). Read
     * each setting you take through {@code settings}; after this returns, a key it never read is
     * an error naming the file and the key, so a typo never silently means a default.
     *
     * @param settings the entry's settings, with where they came from
     * @return the policy, used for every connection, request and datagram of the tunnel (or of
     *     every tunnel, for a server-wide policy) from any number of threads at once
     * @throws PolicyConfigException when a setting is missing or wrong; its message names the key
     */
    Policy create(PolicySettings settings) throws PolicyConfigException;
}
