package io.loomtunnel.internal.nostr;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A subscription filter (NIP-01): every condition given must hold; a list condition holds when the
 * event's value is in the list. Null means "no condition". Build with {@link #any()} and the
 * {@code with...} methods.
 *
 * @param ids     event ids (64 lowercase hex digits each)
 * @param authors pubkeys (64 lowercase hex digits each)
 * @param kinds   event kinds
 * @param tags    single-letter tag name to values: the event must have a tag of that name whose first value is listed
 * @param since   the earliest {@code created_at}, inclusive
 * @param until   the latest {@code created_at}, inclusive
 * @param limit   how many stored events the relay should send at most (the initial query only)
 */
public record Filter(List<String> ids, List<String> authors, List<Integer> kinds, Map<Character, List<String>> tags,
                     Long since, Long until, Integer limit) {
    /** Values one list may hold. */
    public static final int MAX_VALUES = 100;

    public Filter {
        ids = hexList("ids", ids);
        authors = hexList("authors", authors);
        kinds = list("kinds", kinds);
        if (kinds != null && kinds.stream().anyMatch(k -> k < 0 || k > 65535)) {
            throw new IllegalArgumentException("kinds must be from 0 to 65535");
        }
        if (tags != null) {
            TreeMap<Character, List<String>> copy = new TreeMap<>();
            for (Map.Entry<Character, List<String>> e : tags.entrySet()) {
                char name = e.getKey();
                if (!(name >= 'a' && name <= 'z' || name >= 'A' && name <= 'Z')) {
                    throw new IllegalArgumentException("a tag condition needs a single letter a-z or A-Z, got '" + name + "'");
                }
                copy.put(name, list("#" + name, e.getValue()));
            }
            tags = Map.copyOf(copy);
        }
        if (since != null && since < 0 || until != null && until < 0 || limit != null && limit < 0) {
            throw new IllegalArgumentException("since, until and limit must not be negative");
        }
    }

    /** A filter without conditions. */
    public static Filter any() {
        return new Filter(null, null, null, null, null, null, null);
    }

    public Filter withIds(List<String> values) {
        return new Filter(values, authors, kinds, tags, since, until, limit);
    }

    public Filter withAuthors(List<String> values) {
        return new Filter(ids, values, kinds, tags, since, until, limit);
    }

    public Filter withKinds(Integer... values) {
        return new Filter(ids, authors, List.of(values), tags, since, until, limit);
    }

    /** Adds (or replaces) the condition on tag {@code name}. */
    public Filter withTag(char name, String... values) {
        TreeMap<Character, List<String>> t = tags == null ? new TreeMap<>() : new TreeMap<>(tags);
        t.put(name, List.of(values));
        return new Filter(ids, authors, kinds, t, since, until, limit);
    }

    public Filter withSince(long value) {
        return new Filter(ids, authors, kinds, tags, value, until, limit);
    }

    public Filter withUntil(long value) {
        return new Filter(ids, authors, kinds, tags, since, value, limit);
    }

    public Filter withLimit(int value) {
        return new Filter(ids, authors, kinds, tags, since, until, value);
    }

    /** True when {@code e} meets every condition (limit is not a condition). */
    public boolean matches(NostrEvent e) {
        if (ids != null && !ids.contains(e.id()) || authors != null && !authors.contains(e.pubkey())
                || kinds != null && !kinds.contains(e.kind())
                || since != null && e.createdAt() < since || until != null && e.createdAt() > until) {
            return false;
        }
        if (tags != null) {
            for (Map.Entry<Character, List<String>> condition : tags.entrySet()) {
                String name = String.valueOf(condition.getKey());
                if (e.tags().stream().noneMatch(t -> t.size() > 1 && t.get(0).equals(name) && condition.getValue().contains(t.get(1)))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The filter as the JSON object of a REQ message, tag conditions in letter order. */
    String toJson() {
        StringBuilder sb = new StringBuilder("{");
        if (ids != null) {
            strings(sb, "ids", ids);
        }
        if (authors != null) {
            strings(sb, "authors", authors);
        }
        if (kinds != null) {
            member(sb, "kinds").append('[');
            for (int i = 0; i < kinds.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(kinds.get(i));
            }
            sb.append(']');
        }
        if (tags != null) {
            new TreeMap<>(tags).forEach((name, values) -> strings(sb, "#" + name, values));
        }
        if (since != null) {
            member(sb, "since").append(since);
        }
        if (until != null) {
            member(sb, "until").append(until);
        }
        if (limit != null) {
            member(sb, "limit").append(limit);
        }
        return sb.append('}').toString();
    }

    private static void strings(StringBuilder sb, String name, List<String> values) {
        member(sb, name).append('[');
        for (int i = 0; i < values.size(); i++) {
            EventJson.string(sb.append(i == 0 ? "" : ","), values.get(i));
        }
        sb.append(']');
    }

    private static StringBuilder member(StringBuilder sb, String name) {
        return EventJson.string(sb.append(sb.length() > 1 ? "," : ""), name).append(':');
    }

    private static List<String> hexList(String what, List<String> values) {
        List<String> copy = list(what, values);
        if (copy != null) {
            for (String v : copy) {
                Hex.check(what, v, 32);
            }
        }
        return copy;
    }

    private static <T> List<T> list(String what, List<T> values) {
        if (values == null) {
            return null;
        }
        if (values.isEmpty() || values.size() > MAX_VALUES) {
            throw new IllegalArgumentException(what + " must list 1 to " + MAX_VALUES + " values");
        }
        return List.copyOf(values);
    }
}
