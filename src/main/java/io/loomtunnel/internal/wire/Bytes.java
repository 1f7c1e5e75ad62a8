package io.loomtunnel.internal.wire;

/** Big-endian integer packing for frame headers and payloads. */
final class Bytes {
    private Bytes() {}

    static byte[] int32(int v) {
        byte[] b = new byte[4];
        writeInt32(b, 0, v);
        return b;
    }

    static byte[] int64(long v) {
        byte[] b = new byte[8];
        writeInt32(b, 0, (int) (v >>> 32));
        writeInt32(b, 4, (int) v);
        return b;
    }

    static void writeInt32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    static int readInt32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    static long readInt64(byte[] b, int at) {
        return (long) readInt32(b, at) << 32 | (readInt32(b, at + 4) & 0xFFFFFFFFL);
    }
}
