package io.loomtunnel.internal.wire;

/** Frame flag bits (docs/protocol/SESSION.md section 2). */
public final class Flags {
    public static final int NONE = 0;
    /** Opens a stream. */
    public static final int SYN = 0x01;
    /** Acknowledges a stream (on WINDOW_UPDATE), or answers a PING. */
    public static final int ACK = 0x02;
    /** Half-closes the sender's direction of a stream. */
    public static final int FIN = 0x04;
    /** Aborts a stream; the payload is a 4-byte error code. */
    public static final int RST = 0x08;

    private Flags() {}

    /** Whether {@code flags} has every bit of {@code bit}. */
    public static boolean has(int flags, int bit) {
        return (flags & bit) == bit;
    }

    /** A readable form such as {@code SYN|FIN}, for messages and logs. */
    public static String describe(int flags) {
        if (flags == 0) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        String[] names = {"SYN", "ACK", "FIN", "RST"};
        for (int i = 0; i < names.length; i++) {
            if ((flags & (1 << i)) != 0) {
                sb.append(sb.isEmpty() ? "" : "|").append(names[i]);
            }
        }
        int unknown = flags & ~0x0F;
        if (unknown != 0) {
            sb.append(sb.isEmpty() ? "" : "|").append(String.format("0x%02x", unknown));
        }
        return sb.toString();
    }
}
