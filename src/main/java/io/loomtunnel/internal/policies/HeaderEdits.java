package io.loomtunnel.internal.policies;

import io.loomtunnel.plugin.Header;
import io.loomtunnel.plugin.Headers;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Edits of one head's header fields, in this order: {@code remove} (names), {@code rewrite}
 * (a regular expression's matches in a named field's values replaced), {@code set} (replace any
 * fields of that name with one), {@code add} (append a field).
 */
record HeaderEdits(List<String> remove, List<Rewrite> rewrite, List<Header> set, List<Header> add) {
    /** One rewrite rule. */
    record Rewrite(String name, Pattern pattern, String replacement) {}

    HeaderEdits {
        remove = List.copyOf(remove);
        rewrite = List.copyOf(rewrite);
        set = List.copyOf(set);
        add = List.copyOf(add);
    }

    boolean isEmpty() {
        return remove.isEmpty() && rewrite.isEmpty() && set.isEmpty() && add.isEmpty();
    }

    Headers apply(Headers headers) {
        Headers h = headers;
        for (String name : remove) {
            h = h.remove(name);
        }
        if (!rewrite.isEmpty()) {
            List<Header> out = new ArrayList<>(h.fields().size());
            for (Header f : h.fields()) {
                String value = f.value();
                for (Rewrite r : rewrite) {
                    if (r.name().equalsIgnoreCase(f.name())) {
                        value = r.pattern().matcher(value).replaceAll(r.replacement());
                    }
                }
                out.add(value.equals(f.value()) ? f : new Header(f.name(), value.replaceAll("[\\r\\n\\x00]", "")));
            }
            h = new Headers(out);
        }
        for (Header f : set) {
            h = h.set(f.name(), f.value());
        }
        for (Header f : add) {
            h = h.add(f.name(), f.value());
        }
        return h;
    }

    /** Reads {@code PREFIX_remove}, {@code PREFIX_rewrite}, {@code PREFIX_set} and {@code PREFIX_add}. */
    static HeaderEdits read(PolicySettings settings, String prefix) throws PolicyConfigException {
        List<String> remove = new ArrayList<>();
        for (String name : settings.strings(prefix + "_remove")) {
            remove.add(header(settings, prefix + "_remove", name, "").name());
        }
        return new HeaderEdits(remove, rewrites(settings, prefix + "_rewrite"), fields(settings, prefix + "_set"),
                fields(settings, prefix + "_add"));
    }

    private static List<Header> fields(PolicySettings settings, String key) throws PolicyConfigException {
        Object v = settings.value(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof Map<?, ?> table)) {
            throw settings.error(key, "must be a table of header names and values, as { \"X-Env\" = \"prod\" }");
        }
        List<Header> out = new ArrayList<>();
        for (Map.Entry<?, ?> e : table.entrySet()) {
            if (!(e.getValue() instanceof String value)) {
                throw settings.error(key, "must have string values");
            }
            out.add(header(settings, key, String.valueOf(e.getKey()), value));
        }
        return out;
    }

    private static List<Rewrite> rewrites(PolicySettings settings, String key) throws PolicyConfigException {
        Object v = settings.value(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw settings.error(key, "must be a list of { name, pattern, replace } tables");
        }
        List<Rewrite> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> t) || !(t.get("name") instanceof String name) || !(t.get("pattern") instanceof String pattern)
                    || !(t.get("replace") instanceof String replace) || t.size() != 3) {
                throw settings.error(key, "must be a list of tables with exactly name, pattern and replace (strings)");
            }
            header(settings, key, name, "");
            out.add(new Rewrite(name, Settings.parse(settings, key, () -> PathRewrite.compile(pattern)), replace));
        }
        return out;
    }

    private static Header header(PolicySettings settings, String key, String name, String value) throws PolicyConfigException {
        try {
            return new Header(name, value);
        } catch (IllegalArgumentException e) {
            throw settings.error(key, "has an unusable header: " + Cidr.printable(e.getMessage()));
        }
    }
}
