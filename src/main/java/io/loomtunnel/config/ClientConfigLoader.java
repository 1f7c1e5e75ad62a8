package io.loomtunnel.config;

import io.loomtunnel.client.ClientSettings;
import java.nio.file.Path;
import java.util.Map;

/** Applies a client's TOML config file, then its LOOMTUNNEL_* environment, to a ClientSettings builder (docs/CONFIG.md). */
public final class ClientConfigLoader {
    /** The token itself; it has no key in the file, where it would sit in a file that is usually world-readable. */
    private static final String TOKEN_ENV = Keys.ENV_PREFIX + "TOKEN";

    private static final Keys<ClientSettings.Builder> KEYS = new Keys<ClientSettings.Builder>()
            .key("server", (b, v) -> b.server(v.hostPort()))
            .key("server_id", (b, v) -> b.serverId(v.peerId()))
            .key("token_file", (b, v) -> b.token(v.fromFile(TokenFile::read)))
            .key("key", (b, v) -> b.keyFile(v.path()))
            .key("reconnect", (b, v) -> b.reconnect(v.bool()))
            .fileOnly("tunnels", (b, v) -> b.tunnels(TunnelTable.readAll(v)));

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
        String token = env.getOrDefault(TOKEN_ENV, "").strip();
        String tokenFileEnv = Keys.envName("token_file");
        if (!token.isEmpty() && !env.getOrDefault(tokenFileEnv, "").isBlank()) {
            throw new ConfigException(TOKEN_ENV + ": set together with " + tokenFileEnv + "; keep one");
        }
        KEYS.applyEnv(env, builder);
        if (!token.isEmpty()) {
            if (token.chars().anyMatch(Character::isWhitespace)) {
                throw new ConfigException(TOKEN_ENV + ": a token cannot contain whitespace");
            }
            builder.token(token);
        }
    }

    static void applyToml(Path file, byte[] content, ClientSettings.Builder builder) {
        KEYS.apply(file, "", ConfigFiles.toml(file, content), builder);
    }
}
