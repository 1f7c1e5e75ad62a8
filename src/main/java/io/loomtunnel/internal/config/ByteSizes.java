package io.loomtunnel.internal.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as people write them in flags and config files: {@code 65536}, {@code 64KiB}, {@code 64k}, {@code 1MiB}. */
public final class ByteSizes {
    private static final Pattern FORM = Pattern.compile("(\\d{1,10})\\s*(?i)(b|k|kb|kib|m|mb|mib)?");

    private ByteSizes() {}

    /** The bytes {@code text} says (k and m are 1024 and 1024²), or -1 when it is not in that form. */
    public static long parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(java.util.Locale.ROOT);
        return switch (unit.charAt(0)) {
            case 'k' -> n * 1024;
            case 'm' -> n * 1024 * 1024;
            default -> n;
        };
    }

    /** {@link #parse}, as an int from 0 to {@code max}; else IllegalArgumentException saying the form. */
    public static int parse(String text, int max) {
        long n = parse(text);
        if (n < 0 || n > max) {
            throw new IllegalArgumentException("must be a size from 0 to " + max + " bytes like 65536, 64KiB or 1MiB, got '" + text + "'");
        }
        return (int) n;
    }
}
