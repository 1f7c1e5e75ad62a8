package io.loomtunnel.internal.net;

/** Quotes what a user (or a fuzzer) wrote for a one-line error message. */
public final class Quoted {
    private static final int MAX_QUOTED = 64;

    private Quoted() {}

    /** {@code 'value'} for a message: control characters escaped, long values cut short. */
    public static String quote(String value) {
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
