package io.loomtunnel.plugin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One policy entry's settings (every key but {@code type}), with where they came from; the typed
 * getters record which keys a provider read, so the chain can reject the keys nobody read.
 *
 * <p>Values are as TOML gives them: {@code String}, {@code Long}, {@code Double}, {@code Boolean},
 * {@code List<Object>} and {@code Map<String, Object>}. Settings a client declared for its tunnel
 * reach the server over the tunnel registration: those are {@link #remote()}, and {@link #path}
 * refuses them (a client must not make the server read its files: send the content instead).
 */
public final class PolicySettings {
    private final String where;
    private final Path baseDir;
    private final boolean remote;
    private final Map<String, Object> values;
    private final Set<String> read = ConcurrentHashMap.newKeySet();

    private PolicySettings(String where, Path baseDir, boolean remote, Map<String, Object> values) {
        this.where = where;
        this.baseDir = baseDir;
        this.remote = remote;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Settings read from a local file.
     *
     * @param where the file and the entry's key, as {@code server.toml: policies[0]}: errors start with it
     * @param baseDir the directory relative paths are resolved against (the file's)
     * @param values the settings, type excluded
     * @return the settings
     */
    public static PolicySettings local(String where, Path baseDir, Map<String, ?> values) {
        return new PolicySettings(where, baseDir, false, new LinkedHashMap<>(values));
    }

    /**
     * Settings that came from a peer (a client's tunnel registration).
     *
     * @param where where they came from, as {@code tunnel web: policies[0]}: errors start with it
     * @param values the settings, type excluded
     * @return the settings
     */
    public static PolicySettings remote(String where, Map<String, ?> values) {
        return new PolicySettings(where, null, true, new LinkedHashMap<>(values));
    }

    /**
     * Where the settings came from, as {@code client.toml: tunnels[0].policies[1]}.
     *
     * @return the file and the entry's key
     */
    public String where() {
        return where;
    }

    /**
     * Whether the settings came from a peer rather than this process's own config.
     *
     * @return true for a client's declared policy on the server
     */
    public boolean remote() {
        return remote;
    }

    /**
     * Every key given, in order.
     *
     * @return the keys
     */
    public Set<String> keys() {
        return values.keySet();
    }

    /**
     * Whether a key is given (does not count as reading it).
     *
     * @param key the key
     * @return true when present
     */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /**
     * A key's raw value, counting it read.
     *
     * @param key the key
     * @return the value, or null when absent
     */
    public Object value(String key) {
        read.add(key);
        return values.get(key);
    }

    /**
     * The keys given that no getter read, sorted: the chain rejects the first.
     *
     * @return the unread keys
     */
    public Set<String> unread() {
        Set<String> left = new TreeSet<>(values.keySet());
        left.removeAll(read);
        return left;
    }

    /**
     * An error about one key: {@code WHERE.KEY PREDICATE}.
     *
     * @param key the key
     * @param predicate what is wrong, as {@code must be a positive integer, got "ten"}
     * @return the exception to throw
     */
    public PolicyConfigException error(String key, String predicate) {
        return new PolicyConfigException(where + "." + key + " " + predicate);
    }

    /**
     * A required string.
     *
     * @param key the key
     * @return the value
     * @throws PolicyConfigException when absent or not a string
     */
    public String string(String key) throws PolicyConfigException {
        String s = string(key, null);
        if (s == null) {
            throw error(key, "is required");
        }
        return s;
    }

    /**
     * An optional string.
     *
     * @param key the key
     * @param otherwise the value when absent
     * @return the value
     * @throws PolicyConfigException when not a string
     */
    public String string(String key, String otherwise) throws PolicyConfigException {
        return typed(key, otherwise, String.class, "a string");
    }

    /**
     * An optional integer within bounds.
     *
     * @param key the key
     * @param otherwise the value when absent
     * @param min the least allowed
     * @param max the most allowed
     * @return the value
     * @throws PolicyConfigException when not an integer or out of bounds
     */
    public long integer(String key, long otherwise, long min, long max) throws PolicyConfigException {
        Object v = value(key);
        if (v == null) {
            return otherwise;
        }
        if (!(v instanceof Long n) || n < min || n > max) {
            throw error(key, "must be an integer from " + min + " to " + max + ", got " + describe(v));
        }
        return n;
    }

    /**
     * An optional boolean.
     *
     * @param key the key
     * @param otherwise the value when absent
     * @return the value
     * @throws PolicyConfigException when not true or false
     */
    public boolean bool(String key, boolean otherwise) throws PolicyConfigException {
        return typed(key, otherwise, Boolean.class, "true or false");
    }

    /**
     * An optional list of strings (a single string counts as a list of one).
     *
     * @param key the key
     * @return the strings, empty when absent
     * @throws PolicyConfigException when not strings
     */
    public List<String> strings(String key) throws PolicyConfigException {
        Object v = value(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw error(key, "must be a list of strings, got an element " + describe(o));
                }
                out.add(s);
            }
            return List.copyOf(out);
        }
        throw error(key, "must be a list of strings, got " + describe(v));
    }

    /**
     * An optional duration above zero, written {@code 500ms}, {@code 30s}, {@code 5m} or {@code 2h}.
     *
     * @param key the key
     * @param otherwise the value when absent
     * @return the value
     * @throws PolicyConfigException when not such a duration
     */
    public Duration duration(String key, Duration otherwise) throws PolicyConfigException {
        String s = string(key, null);
        if (s == null) {
            return otherwise;
        }
        int digits = 0;
        while (digits < s.length() && digits < 10 && Character.isDigit(s.charAt(digits))) {
            digits++;
        }
        String unit = s.substring(digits);
        long n = digits == 0 || digits > 9 ? 0 : Long.parseLong(s.substring(0, digits));
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ZERO;
        };
        if (d.isZero()) {
            throw error(key, "must be a duration above zero like 500ms, 30s, 5m or 2h, got " + describe(s));
        }
        return d;
    }

    /**
     * A required file path, relative ones resolved against the config file's directory. Refused in
     * {@link #remote()} settings.
     *
     * @param key the key
     * @return the path
     * @throws PolicyConfigException when absent, not a string, or remote
     */
    public Path path(String key) throws PolicyConfigException {
        String s = string(key);
        if (remote) {
            throw error(key, "names a file, which a tunnel's declared policy cannot do on the server (give the content instead)");
        }
        try {
            Path p = Path.of(s);
            return baseDir == null ? p : baseDir.resolve(p);
        } catch (RuntimeException e) {
            throw error(key, "must be a file path, got " + describe(s));
        }
    }

    private <T> T typed(String key, T otherwise, Class<T> type, String what) throws PolicyConfigException {
        Object v = value(key);
        if (v == null) {
            return otherwise;
        }
        if (!type.isInstance(v)) {
            throw error(key, "must be " + what + ", got " + describe(v));
        }
        return type.cast(v);
    }

    private static String describe(Object v) {
        if (v instanceof String s) {
            return "\"" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "\"";
        }
        if (v instanceof List<?>) {
            return "a list";
        }
        if (v instanceof Map<?, ?>) {
            return "a table";
        }
        return String.valueOf(v);
    }
}
