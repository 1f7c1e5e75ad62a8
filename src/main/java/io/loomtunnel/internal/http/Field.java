package io.loomtunnel.internal.http;

/** One header (or trailer) field line: name as received, value without surrounding whitespace. */
record Field(String name, String value) {
    boolean is(String other) {
        return name.equalsIgnoreCase(other);
    }
}
