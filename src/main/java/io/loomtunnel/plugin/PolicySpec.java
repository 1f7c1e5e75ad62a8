package io.loomtunnel.plugin;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One declared policy, before it is made: its type, its settings and where it was declared, as a
 * config's {@code policies = [{ type = "basic-auth", ... }]} entry gives it.
 *
 * @param type the provider's {@link PolicyProvider#name()}
 * @param settings every key of the entry but {@code type}, values as {@link PolicySettings} says
 * @param where the file and key of the entry, as {@code client.toml: tunnels[0].policies[1]}, for errors
 * @param baseDir the directory a relative file path in the settings is resolved against (the config
 *     file's), or null for the working directory
 */
public record PolicySpec(String type, Map<String, Object> settings, String where, Path baseDir) {
    /**
     * Copies the settings, keeping their order.
     *
     * @param type the provider's name
     * @param settings the settings
     * @param where where it was declared
     * @param baseDir the directory of relative paths, or null
     */
    public PolicySpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(where, "where");
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(settings, "settings")));
    }
}
