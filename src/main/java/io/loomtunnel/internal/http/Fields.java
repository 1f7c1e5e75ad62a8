package io.loomtunnel.internal.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** The header fields of a head, in order, immutable; names compare case-insensitively. */
record Fields(List<Field> list) {
    Fields {
        list = List.copyOf(list);
    }

    List<String> values(String name) {
        List<String> values = new ArrayList<>(1);
        for (Field f : list) { // loops, not streams: these run several times per request
            if (f.is(name)) {
                values.add(f.value());
            }
        }
        return values;
    }

    boolean has(String name) {
        for (Field f : list) {
            if (f.is(name)) {
                return true;
            }
        }
        return false;
    }

    /** The comma-separated list elements of every field named {@code name}, lowercased, empty ones skipped. */
    List<String> tokens(String name) {
        List<String> out = new ArrayList<>();
        for (String v : values(name)) {
            for (String part : v.split(",")) {
                String t = part.strip().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** Whether a Content-Type field's media type starts with {@code prefix}, in any case, e.g. "application/grpc". */
    boolean contentTypeStartsWith(String prefix) {
        for (Field f : list) {
            if (f.is("Content-Type")) {
                String v = f.value();
                int start = 0;
                while (start < v.length() && (v.charAt(start) == ' ' || v.charAt(start) == '\t')) {
                    start++;
                }
                if (v.regionMatches(true, start, prefix, 0, prefix.length())) { // no lowercased copy per response
                    return true;
                }
            }
        }
        return false;
    }

    Fields without(Predicate<Field> drop) {
        List<Field> kept = new ArrayList<>(list.size());
        for (Field f : list) {
            if (!drop.test(f)) {
                kept.add(f);
            }
        }
        return new Fields(kept);
    }

    Fields with(String name, String value) {
        List<Field> copy = new ArrayList<>(list);
        copy.add(new Field(name, value));
        return new Fields(copy);
    }

    void appendTo(StringBuilder sb) {
        for (Field f : list) {
            sb.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
    }
}
