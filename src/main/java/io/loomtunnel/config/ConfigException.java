package io.loomtunnel.config;

/**
 * A wrong config file, environment variable or value; the message is one line that names the file
 * (or variable) and the key, and the CLI prints it and exits with code 2.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final int MAX_QUOTED = 64;

    public ConfigException(String message) {
        // Messages quote what users (or a fuzzer) wrote; a line break in there must not split them.
        super(message.replaceAll("[\\p{Cc}\\u2028\\u2029]+", " "));
    }

    /** {@code 'value'} for a message: control characters escaped, long values cut short. */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < value.length() && i < MAX_QUOTED; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append(value.length() > MAX_QUOTED ? "…'" : "'").toString();
    }
}
