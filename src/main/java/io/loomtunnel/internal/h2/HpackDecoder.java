package io.loomtunnel.internal.h2;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Decodes HPACK header blocks (RFC 7541) with a dynamic table of at most {@code maxTableSize}
 * bytes (the SETTINGS_HEADER_TABLE_SIZE we announce). Anything malformed is a COMPRESSION_ERROR,
 * which ends the connection: the table's state is then unknown. A decoded list larger than asked
 * is still decoded to its end (the table must follow every block) but its fields past the limit
 * are dropped and the result says so, so a small block cannot expand into much memory.
 * Not thread-safe: the connection's reader thread only.
 */
public final class HpackDecoder {
    /** A decoded block: its fields, and whether some were dropped for being over the size asked. */
    public record Decoded(List<HeaderField> fields, boolean tooLarge) {}

    private final int maxTableSize;
    private final ArrayDeque<HeaderField> table = new ArrayDeque<>(); // newest first
    private int tableSize;
    private int capacity;

    public HpackDecoder(int maxTableSize) {
        this.maxTableSize = maxTableSize;
        this.capacity = maxTableSize;
    }

    /** Decodes one whole header block; {@code maxListSize}: the largest list kept (RFC 9113 6.5.2 sizes). */
    public Decoded decode(byte[] block, long maxListSize) throws H2Exception {
        List<HeaderField> out = new ArrayList<>();
        long listSize = 0;
        boolean tooLarge = false;
        int[] pos = {0};
        boolean fieldSeen = false;
        while (pos[0] < block.length) {
            int b = block[pos[0]] & 0xff;
            HeaderField field;
            if ((b & 0x80) != 0) {
                field = entry(integer(block, pos, 7));
            } else if ((b & 0xe0) == 0x20) {
                if (fieldSeen) {
                    throw new H2Exception(H2Error.COMPRESSION_ERROR, "a table size update after a field");
                }
                int size = integer(block, pos, 5);
                if (size > maxTableSize) {
                    throw new H2Exception(H2Error.COMPRESSION_ERROR, "a table size update over our limit");
                }
                capacity = size;
                evict(0);
                continue;
            } else {
                boolean indexing = (b & 0xc0) == 0x40;
                int index = integer(block, pos, indexing ? 6 : 4);
                String name = index == 0 ? string(block, pos) : entry(index).name();
                field = new HeaderField(name, string(block, pos));
                if (indexing) {
                    add(field);
                }
            }
            fieldSeen = true;
            listSize += field.size();
            if (listSize > maxListSize) {
                tooLarge = true;
            } else {
                out.add(field);
            }
        }
        return new Decoded(out, tooLarge);
    }

    private HeaderField entry(int index) throws H2Exception {
        if (index >= 1 && index <= StaticTable.SIZE) {
            return new HeaderField(StaticTable.name(index), StaticTable.value(index));
        }
        int at = index - StaticTable.SIZE - 1;
        if (index == 0 || at >= table.size()) {
            throw new H2Exception(H2Error.COMPRESSION_ERROR, "index " + index + " is in no table");
        }
        Iterator<HeaderField> it = table.iterator();
        for (int i = 0; i < at; i++) {
            it.next();
        }
        return it.next();
    }

    private void add(HeaderField field) {
        long size = field.size();
        if (size > capacity) {
            table.clear(); // RFC 7541 4.4: an entry larger than the table empties it
            tableSize = 0;
            return;
        }
        evict((int) size);
        table.addFirst(field);
        tableSize += (int) size;
    }

    /** Drops the oldest entries until {@code room} more bytes fit. */
    private void evict(int room) {
        while (tableSize + room > capacity && !table.isEmpty()) {
            tableSize -= (int) table.removeLast().size();
        }
    }

    /** An integer with an N-bit prefix (RFC 7541 5.1); over 2^24 is refused (nothing we accept is that long). */
    private static int integer(byte[] b, int[] pos, int prefixBits) throws H2Exception {
        int max = (1 << prefixBits) - 1;
        int value = b[pos[0]++] & max;
        if (value < max) {
            return value;
        }
        for (int shift = 0; ; shift += 7) {
            if (pos[0] >= b.length) {
                throw new H2Exception(H2Error.COMPRESSION_ERROR, "an integer cut short");
            }
            if (shift > 21) {
                throw new H2Exception(H2Error.COMPRESSION_ERROR, "an integer too large");
            }
            int octet = b[pos[0]++] & 0xff;
            value += (octet & 0x7f) << shift;
            if ((octet & 0x80) == 0) {
                return value;
            }
        }
    }

    private static String string(byte[] b, int[] pos) throws H2Exception {
        if (pos[0] >= b.length) {
            throw new H2Exception(H2Error.COMPRESSION_ERROR, "a string missing");
        }
        boolean huffman = (b[pos[0]] & 0x80) != 0;
        int len = integer(b, pos, 7);
        if (len > b.length - pos[0]) {
            throw new H2Exception(H2Error.COMPRESSION_ERROR, "a string longer than its block");
        }
        int off = pos[0];
        pos[0] += len;
        byte[] raw = huffman ? Huffman.decode(b, off, len) : java.util.Arrays.copyOfRange(b, off, off + len);
        return new String(raw, StandardCharsets.ISO_8859_1);
    }
}
