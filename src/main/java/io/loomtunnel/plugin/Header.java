package io.loomtunnel.plugin;

import java.util.Objects;

/**
 * One HTTP header field.
 *
 * @param name the field name as sent (compare ignoring case)
 * @param value the field value, without leading or trailing white space
 */
public record Header(String name, String value) {
    /**
     * Checks both parts: a name of token characters, a value without CR, LF or NUL.
     *
     * @param name the field name
     * @param value the field value
     */
    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                throw new IllegalArgumentException("bad character in header name " + name);
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("CR, LF or NUL in the value of header " + name);
            }
        }
    }
}
