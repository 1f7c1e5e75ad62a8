package io.loomtunnel.mux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.BufferPool;
import io.loomtunnel.internal.wire.Wire;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Bulk payloads go back to their pool once nothing in the buffer uses them, and not before. */
class InboundBufferTest {
    private static final int BULK = Wire.BULK_DATA_PAYLOAD;
    private static final long NO_TIMEOUT = 0;

    private final BufferPool pool = new BufferPool(BULK, 4);
    private final InboundBuffer buffer = newBuffer();

    @Test
    void aBulkPayloadGoesBackAfterItsLastByteIsRead() throws IOException {
        byte[] first = filled(BULK, 1);
        byte[] second = filled(BULK, 2);
        buffer.deliver(1, first);
        buffer.deliver(1, second);
        byte[] out = new byte[BULK];

        assertEquals(BULK - 1, read(out, BULK - 1));
        assertEquals(0, pool.pooled(), "one byte of the first payload is still unread");
        assertEquals(2, read(out, 2)); // the first's last byte and the second's first
        assertEquals(1, pool.pooled());
        assertSame(first, pool.acquire());
        assertEquals((byte) 2, out[1]);

        byte[] rest = new byte[BULK - 1];
        assertEquals(BULK - 1, read(rest, rest.length));
        assertArrayEquals(Arrays.copyOf(filled(BULK, 2), BULK - 1), rest);
        assertSame(second, pool.acquire());
    }

    @Test
    void otherLengthsAreNeverPooled() throws IOException {
        buffer.deliver(1, filled(BULK - 1, 3));
        buffer.deliver(1, filled(100, 4));
        byte[] out = new byte[2 * BULK];
        assertEquals(BULK - 1 + 100, read(out, out.length));
        assertEquals(0, pool.pooled());
    }

    @Test
    void payloadsDroppedByAResetOrArrivingAfterTheEndGoBack() throws IOException {
        buffer.deliver(1, filled(BULK, 5));
        buffer.deliver(1, filled(BULK, 6));
        buffer.fail(new StreamResetException(1, ErrorCode.CANCEL, true), true);
        assertEquals(2, pool.pooled());
        assertThrows(StreamResetException.class, () -> read(new byte[10], 10));

        InboundBuffer ended = newBuffer();
        ended.finish();
        ended.deliver(1, filled(BULK, 7));
        assertEquals(3, pool.pooled());
    }

    @Test
    void aTakenChunkIsTheUnreadRestOfItsPayloadAndGoesBackWhenGiven() throws IOException {
        byte[] payload = filled(BULK, 8);
        buffer.deliver(1, payload);
        assertEquals(10, read(new byte[10], 10));

        InboundBuffer.Chunk chunk = buffer.take(NO_TIMEOUT, 0, new int[1]);
        assertSame(payload, chunk.array());
        assertEquals(10, chunk.offset());
        assertEquals(BULK - 10, chunk.length());
        assertEquals(0, buffer.buffered());
        assertEquals(0, pool.pooled(), "the taker owns it until it gives it back");
        buffer.giveBack(chunk.array());
        assertSame(payload, pool.acquire());

        buffer.finish();
        assertEquals(null, buffer.take(NO_TIMEOUT, 0, new int[1]));
    }

    private InboundBuffer newBuffer() {
        return new InboundBuffer(new ReceiveWindow(new WindowBudget(64L << 20), 16 << 20, System::nanoTime), pool);
    }

    private int read(byte[] into, int len) throws IOException {
        return buffer.read(into, 0, len, NO_TIMEOUT, 0, new int[1]);
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
