package io.loomtunnel.internal.config;

import io.loomtunnel.observe.ObserveSettings;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code [admin]} and {@code [metrics]} keys that server and client config files share
 * (docs/CONFIG.md), and {@code LOOMTUNNEL_ADMIN_TOKEN}, the admin token itself.
 */
final class ObserveKeys {
    static final SecretVariable ADMIN_TOKEN = new SecretVariable(Keys.ENV_PREFIX + "ADMIN_TOKEN", "admin.token_file");

    private ObserveKeys() {}

    /** Adds the keys to {@code keys}; {@code observe} finds the observe builder in the target. */
    static <T> Keys<T> addTo(Keys<T> keys, Function<T, ObserveSettings.Builder> observe) {
        return keys
                .key("admin.bind", (b, v) -> observe.apply(b).adminBind(v.bindAddress()))
                .key("admin.token_file", (b, v) -> observe.apply(b).adminToken(v.fromFile(TokenFile::read)))
                .key("admin.allowed_hosts", (b, v) -> observe.apply(b).adminAllowedHosts(v.domains()))
                .key("admin.auth_fail_penalty", (b, v) -> observe.apply(b).adminAuthFailPenalty(v.duration()))
                .key("admin.penalty_limit", (b, v) -> observe.apply(b).adminPenaltyLimit(v.duration()))
                .key("metrics.json_file", (b, v) -> observe.apply(b).metricsJson(v.path()))
                .key("metrics.interval", (b, v) -> observe.apply(b).interval(v.duration()))
                .key("metrics.otlp_endpoint", (b, v) -> observe.apply(b).otlpEndpoint(v.httpUrl()));
    }

    /** Applies the environment: the keys' variables, then LOOMTUNNEL_ADMIN_TOKEN over any token file. */
    static <T> void applyEnv(Keys<T> keys, Map<String, String> env, T target, ObserveSettings.Builder observe) {
        String token = ADMIN_TOKEN.read(env);
        keys.applyEnv(env, target);
        if (token != null) {
            observe.adminToken(token);
        }
    }
}
