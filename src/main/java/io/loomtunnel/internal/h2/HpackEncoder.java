package io.loomtunnel.internal.h2;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes header blocks without a dynamic table: static-table indexes where they match, every
 * other field a literal without indexing, strings not Huffman-coded. Stateless, so the peer's
 * SETTINGS_HEADER_TABLE_SIZE never makes us keep anything, and the order of encoding and sending
 * blocks does not matter. Field names must already be lowercase.
 */
public final class HpackEncoder {
    private HpackEncoder() {
    }

    public static byte[] encode(List<HeaderField> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * fields.size() + 16);
        for (HeaderField f : fields) {
            int exact = StaticTable.indexOf(f.name(), f.value());
            if (exact > 0) {
                integer(out, 0x80, 7, exact);
                continue;
            }
            int name = StaticTable.indexOfName(f.name());
            integer(out, 0x00, 4, name);
            if (name == 0) {
                string(out, f.name());
            }
            string(out, f.value());
        }
        return out.toByteArray();
    }

    private static void integer(ByteArrayOutputStream out, int pattern, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(pattern | value);
            return;
        }
        out.write(pattern | max);
        value -= max;
        while (value >= 0x80) {
            out.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        integer(out, 0x00, 7, b.length);
        out.write(b, 0, b.length);
    }
}
