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
        return list.stream().filter(f -> f.is(name)).map(Field::value).toList();
    }

    boolean has(String name) {
        return list.stream().anyMatch(f -> f.is(name));
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

    Fields without(Predicate<Field> drop) {
        return new Fields(list.stream().filter(drop.negate()).toList());
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
