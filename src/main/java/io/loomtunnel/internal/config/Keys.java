package io.loomtunnel.internal.config;

import static io.loomtunnel.internal.config.ConfigException.quote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The keys of a config table and what each one's value does to a target (a settings builder);
 * a dotted key ({@code limits.max_clients}) lives in a sub-table. Each key is also an environment
 * variable, {@code LOOMTUNNEL_} and the key in upper case with '.' as '_', unless it is file-only.
 */
final class Keys<T> {
    static final String ENV_PREFIX = "LOOMTUNNEL_";

    private final Map<String, BiConsumer<T, Value>> actions = new LinkedHashMap<>();
    private final Set<String> fileOnly = new HashSet<>();

    Keys<T> key(String name, BiConsumer<T, Value> action) {
        actions.put(name, action);
        return this;
    }

    /** A key that is not a scalar (an array of tables) and so has no environment variable. */
    Keys<T> fileOnly(String name, BiConsumer<T, Value> action) {
        fileOnly.add(name);
        return key(name, action);
    }

    static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** Applies each set, non-blank variable of these keys, its value stripped of surrounding whitespace. */
    void applyEnv(Map<String, String> env, T target) {
        actions.forEach((name, action) -> {
            String value = env.get(envName(name));
            if (value != null && !value.isBlank() && !fileOnly.contains(name)) {
                action.accept(target, Value.ofEnv(envName(name), value.strip()));
            }
        });
    }

    /** Applies every key of {@code table}, shown in messages with {@code display} before its name. */
    void apply(Path file, String display, ObjectNode table, T target) {
        walk(file, display, "", table, target);
    }

    private void walk(Path file, String display, String prefix, ObjectNode table, T target) {
        for (Map.Entry<String, JsonNode> field : table.properties()) {
            // A quoted TOML key may contain '.'; it must not pass for a key of a sub-table.
            String name = field.getKey().contains(".") ? null : prefix + field.getKey();
            BiConsumer<T, Value> action = name == null ? null : actions.get(name);
            if (action != null) {
                action.accept(target, Value.ofToml(file, display + name, field.getValue()));
            } else if (name != null && !known(name + ".").isEmpty()) {
                if (!(field.getValue() instanceof ObjectNode sub)) {
                    throw Value.ofToml(file, display + name, field.getValue()).error("must be a table ([" + name + "])");
                }
                walk(file, display, name + ".", sub, target);
            } else {
                throw new ConfigException(file + ": unknown key " + quote(display + prefix + field.getKey())
                        + " (known: " + String.join(", ", known(prefix)) + ")");
            }
        }
    }

    /** The names one level below {@code prefix}, in declaration order. */
    private Set<String> known(String prefix) {
        Set<String> out = new LinkedHashSet<>();
        for (String name : actions.keySet()) {
            if (name.startsWith(prefix)) {
                String rest = name.substring(prefix.length());
                out.add(rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest);
            }
        }
        return out;
    }
}
