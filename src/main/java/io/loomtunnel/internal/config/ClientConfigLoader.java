package io.loomtunnel.internal.config;

import io.loomtunnel.client.ClientSettings;
import java.nio.file.Path;
import java.util.Map;

/** Applies a client's TOML config file, then its LOOMTUNNEL_* environment, to a ClientSettings builder (docs/CONFIG.md). */
public final class ClientConfigLoader {
    /** The token itself; it has no key in the file, where it would sit in a file that is usually world-readable. */
    private static final SecretVariable TOKEN = new SecretVariable(Keys.ENV_PREFIX + "TOKEN", "token_file");

    private static final Keys<ClientSettings.Builder> KEYS = ObserveKeys.addTo(new Keys<ClientSettings.Builder>()
            .key("server", (b, v) -> b.server(v.hostPort()))
            .key("server_id", (b, v) -> b.serverId(v.peerId()))
            .key("token_file", (b, v) -> b.token(v.fromFile(TokenFile::read)))
            .key("key", (b, v) -> b.keyFile(v.path()))
            .key("reconnect", (b, v) -> b.reconnect(v.bool()))
            .key("plugins", (b, v) -> b.pluginDirectory(v.path()))
            .fileOnly("policies", (b, v) -> b.policies(v.policies()))
            .fileOnly("tunnels", (b, v) -> TunnelTable.readAll(v, b)), ClientSettings.Builder::observe);

    private ClientConfigLoader() {}

    /**
     * Sets on {@code builder} what the file {@code tomlOrNull} (if not null) and then {@code env}
     * give, so the environment wins; keys given in neither keep the builder's values. The file's
     * tunnels replace the builder's.
     *
     * @throws ConfigException naming the file or variable and the key
     */
    public static void apply(Path tomlOrNull, Map<String, String> env, ClientSettings.Builder builder) {
        if (tomlOrNull != null) {
            applyToml(tomlOrNull, ConfigFiles.read(tomlOrNull), builder);
        }
        String token = TOKEN.read(env);
        ObserveKeys.applyEnv(KEYS, env, builder, builder.observe());
        if (token != null) {
            builder.token(token);
        }
    }

    static void applyToml(Path file, byte[] content, ClientSettings.Builder builder) {
        KEYS.apply(file, "", ConfigFiles.toml(file, content), builder);
    }
}
