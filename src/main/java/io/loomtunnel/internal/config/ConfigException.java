package io.loomtunnel.internal.config;

import io.loomtunnel.internal.net.Quoted;

/**
 * A wrong config file, environment variable or value; the message is one line that names the file
 * (or variable) and the key, and the CLI prints it and exits with code 2.
 */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        // Messages quote what users (or a fuzzer) wrote; a line break in there must not split them.
        super(message.replaceAll("[\\p{Cc}\\u2028\\u2029]+", " "));
    }

    /** {@code 'value'} for a message: control characters escaped, long values cut short. */
    static String quote(String value) {
        return Quoted.quote(value);
    }
}
