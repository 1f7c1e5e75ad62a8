package io.loomtunnel.internal.wire;

import static io.loomtunnel.internal.wire.WireTestSupport.encode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Bulk DATA payloads are read into the pool's arrays, overwritten whole; every other payload is a new array. */
class FrameReaderBulkPayloadTest {
    private static final int BULK = Wire.BULK_DATA_PAYLOAD;

    @Test
    void aBulkDataPayloadIsReadIntoAPooledArrayOverwrittenWhole() throws IOException {
        BufferPool pool = new BufferPool(BULK, 2);
        byte[] used = pool.acquire();
        Arrays.fill(used, (byte) 0x55); // what an earlier frame left in it
        pool.release(used);
        byte[] bytes = new byte[BULK];
        for (int i = 0; i < BULK; i++) {
            bytes[i] = (byte) (i * 31);
        }

        FrameReader reader = new FrameReader(new ByteArrayInputStream(encode(Frame.data(3, 0, bytes))), pool);
        Frame f = reader.read();

        assertSame(used, f.payload());
        assertArrayEquals(bytes, f.payload());
        assertEquals(0, pool.pooled());
    }

    @Test
    void otherPayloadsAreNewArrays() throws IOException {
        BufferPool pool = new BufferPool(BULK, 2);
        byte[] kept = pool.acquire();
        pool.release(kept);
        // DATA one byte short of bulk, a DATAGRAM of the bulk length, a small DATA
        byte[] stream = encode(Frame.data(3, 0, new byte[BULK - 1]), Frame.datagram(5, new byte[BULK]),
                Frame.data(3, 0, new byte[10]));

        FrameReader reader = new FrameReader(new ByteArrayInputStream(stream), pool);
        for (int i = 0; i < 3; i++) {
            assertNotSame(kept, reader.read().payload());
        }
        assertEquals(1, pool.pooled());
    }

    @Test
    void refusesAPoolOfAnotherSize() {
        assertThrows(IllegalArgumentException.class,
                () -> new FrameReader(new ByteArrayInputStream(new byte[0]), new BufferPool(BULK + 1, 1)));
    }
}
