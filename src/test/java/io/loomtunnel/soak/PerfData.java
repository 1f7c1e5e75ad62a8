package io.loomtunnel.soak;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A HotSpot JVM's heap in use, read from its performance-data file
 * ({@code /tmp/hsperfdata_USER/PID}, which HotSpot keeps up to date and jstat reads): the sum of
 * the {@code sun.gc.generation.N.space.M.used} counters. Reading a file costs the sampled process
 * nothing, where jcmd would start a JVM per sample. Empty when the file is absent or not understood.
 *
 * <p>The file (version 2): a prologue (magic 0xcafec0c0, byte order, entry offset at 24, entry count
 * at 28), then entries: length, name offset, vector length, type, flags, units, variability, data offset.
 */
final class PerfData {
    private static final int MAGIC = 0xcafec0c0;

    private PerfData() {}

    static OptionalLong heapUsed(long pid) {
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "hsperfdata_" + System.getProperty("user.name"), Long.toString(pid));
        try {
            return heapUsed(ByteBuffer.wrap(Files.readAllBytes(file)));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    static OptionalLong heapUsed(ByteBuffer b) {
        if (b.getInt(0) != MAGIC) {
            return OptionalLong.empty();
        }
        b.order(b.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int offset = b.getInt(24);
        int count = b.getInt(28);
        long sum = 0;
        boolean found = false;
        for (int i = 0; i < count && offset > 0 && offset + 20 <= b.limit(); i++) {
            int length = b.getInt(offset);
            int nameOffset = b.getInt(offset + 4);
            int vectorLength = b.getInt(offset + 8);
            byte type = b.get(offset + 12);
            int dataOffset = b.getInt(offset + 16);
            if (length <= 0) {
                break;
            }
            if (type == 'J' && vectorLength == 0) {
                String name = name(b, offset + nameOffset);
                if (name.startsWith("sun.gc.generation.") && name.contains(".space.") && name.endsWith(".used")) {
                    sum += b.getLong(offset + dataOffset);
                    found = true;
                }
            }
            offset += length;
        }
        return found ? OptionalLong.of(sum) : OptionalLong.empty();
    }

    private static String name(ByteBuffer b, int at) {
        int end = at;
        while (end < b.limit() && b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - at];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
