package io.loomtunnel.internal.wire;

/** Fixed numbers of protocol version 1 (docs/protocol/SESSION.md). */
public final class Wire {
    /** Bytes in a frame header. */
    public static final int HEADER_SIZE = 9;
    /** Largest payload of any frame; fixed for version 1. */
    public static final int MAX_PAYLOAD = 65_536;
    /** A bulk DATA payload: with its header, the frame fills exactly four 16 KiB TLS records. */
    public static final int BULK_DATA_PAYLOAD = 4 * 16_384 - HEADER_SIZE;
    /** Every stream window starts here, in both directions. */
    public static final int INITIAL_WINDOW = 256 * 1024;
    /** The largest valid window or credit. */
    public static final int MAX_CREDIT = Integer.MAX_VALUE;

    private Wire() {}
}
