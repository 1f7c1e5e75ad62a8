package io.loomtunnel.internal.policy;

import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicySpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Declared policies as plain values (a config file's {@code policies} array read as JSON values, or
 * the {@code policies} member of {@code open_tunnel}): each entry a table with a string {@code type}
 * and its settings, whose values become what {@link io.loomtunnel.plugin.PolicySettings} promises
 * (String, Long, Double, Boolean, List, Map). Bounded: at most {@link #MAX_POLICIES} entries, values
 * nested at most {@link #MAX_DEPTH} deep.
 */
public final class PolicySpecs {
    /** The most policies one list may declare. */
    public static final int MAX_POLICIES = 32;
    static final int MAX_DEPTH = 8;
    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private PolicySpecs() {}

    /**
     * Reads a list of entries; {@code where} names the list ({@code client.toml: tunnels[0].policies}),
     * each entry's errors name {@code where[1]}, {@code where[2]}, … as the config files number tables.
     */
    public static List<PolicySpec> read(Object entries, String where, Path baseDir) throws PolicyConfigException {
        if (!(entries instanceof List<?> list)) {
            throw new PolicyConfigException(where + " must be an array of tables like [{ type = \"basic-auth\", ... }]");
        }
        if (list.size() > MAX_POLICIES) {
            throw new PolicyConfigException(where + " has " + list.size() + " policies, more than " + MAX_POLICIES);
        }
        List<PolicySpec> specs = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = where + "[" + (i + 1) + "]";
            if (!(list.get(i) instanceof Map<?, ?> entry)) {
                throw new PolicyConfigException(at + " must be a table like { type = \"basic-auth\", ... }");
            }
            Object type = entry.get("type");
            if (!(type instanceof String t) || !TYPE.matcher(t).matches()) {
                throw new PolicyConfigException(at + ".type " + (type == null ? "is missing"
                        : "must be a policy type name (lowercase letters, digits, '-')"));
            }
            Map<String, Object> settings = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : entry.entrySet()) {
                if (!"type".equals(e.getKey())) {
                    String key = String.valueOf(e.getKey());
                    settings.put(key, value(e.getValue(), at + "." + key, 0));
                }
            }
            specs.add(new PolicySpec(t, settings, at, baseDir));
        }
        return specs;
    }

    /** The entries as {@code open_tunnel} carries them: each its type and settings in one object. */
    public static List<Map<String, Object>> toWire(List<PolicySpec> specs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PolicySpec s : specs) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", s.type());
            entry.putAll(s.settings());
            out.add(entry);
        }
        return out;
    }

    private static Object value(Object v, String at, int depth) throws PolicyConfigException {
        if (depth > MAX_DEPTH) {
            throw new PolicyConfigException(at + " is nested more than " + MAX_DEPTH + " deep");
        }
        if (v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b) {
            if (b.bitLength() > 63) {
                throw new PolicyConfigException(at + " is an integer out of range");
            }
            return b.longValue();
        }
        if (v instanceof Float || v instanceof BigDecimal) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(value(list.get(i), at + "[" + i + "]", depth + 1));
            }
            return List.copyOf(out);
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(String.valueOf(e.getKey()), value(e.getValue(), at + "." + e.getKey(), depth + 1));
            }
            return Collections.unmodifiableMap(out);
        }
        throw new PolicyConfigException(at + (v == null ? " has no value" : " has a value of an unsupported kind"));
    }
}
