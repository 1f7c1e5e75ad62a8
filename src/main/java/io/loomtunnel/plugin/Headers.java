package io.loomtunnel.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An HTTP message's header fields in order, immutable; the changing methods return a copy.
 *
 * @param fields the fields in order, a name possibly more than once
 */
public record Headers(List<Header> fields) {
    /**
     * Copies the list.
     *
     * @param fields the fields in order
     */
    public Headers {
        fields = List.copyOf(Objects.requireNonNull(fields, "fields"));
    }

    /**
     * The fields given as name, value, name, value ...
     *
     * @param namesAndValues an even number of strings
     * @return the headers
     */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must pair up");
        }
        List<Header> list = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            list.add(new Header(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new Headers(list);
    }

    /**
     * The first value of a field.
     *
     * @param name the field name, any case
     * @return its first value, or null when absent
     */
    public String first(String name) {
        for (Header h : fields) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    /**
     * Every value of a field, in order.
     *
     * @param name the field name, any case
     * @return its values, empty when absent
     */
    public List<String> all(String name) {
        return fields.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).toList();
    }

    /**
     * A copy with one more field at the end.
     *
     * @param name the field name
     * @param value the value
     * @return the new headers
     */
    public Headers add(String name, String value) {
        List<Header> list = new ArrayList<>(fields);
        list.add(new Header(name, value));
        return new Headers(list);
    }

    /**
     * A copy without any field of this name.
     *
     * @param name the field name, any case
     * @return the new headers
     */
    public Headers remove(String name) {
        return new Headers(fields.stream().filter(h -> !h.name().equalsIgnoreCase(name)).toList());
    }

    /**
     * A copy where the field has exactly this one value (at the place of its first occurrence, or
     * at the end).
     *
     * @param name the field name
     * @param value the value
     * @return the new headers
     */
    public Headers set(String name, String value) {
        List<Header> list = new ArrayList<>();
        boolean placed = false;
        for (Header h : fields) {
            if (!h.name().equalsIgnoreCase(name)) {
                list.add(h);
            } else if (!placed) {
                list.add(new Header(name, value));
                placed = true;
            }
        }
        if (!placed) {
            list.add(new Header(name, value));
        }
        return new Headers(list);
    }
}
