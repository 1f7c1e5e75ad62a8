package io.loomtunnel.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BufferPoolTest {

    @Test
    void releasedArrayIsReused() {
        BufferPool pool = new BufferPool(1024, 2);
        byte[] a = pool.acquire();
        assertEquals(1024, a.length);
        pool.release(a);
        assertEquals(1, pool.pooled());
        assertSame(a, pool.acquire());
        assertEquals(0, pool.pooled());
    }

    @Test
    void keepsNoMoreThanItsCapacity() {
        BufferPool pool = new BufferPool(16, 2);
        byte[] a = pool.acquire();
        byte[] b = pool.acquire();
        byte[] c = pool.acquire();
        pool.release(a);
        pool.release(b);
        pool.release(c); // dropped: the pool is full
        assertEquals(2, pool.pooled());
        assertSame(a, pool.acquire());
        assertSame(b, pool.acquire());
        assertNotSame(c, pool.acquire());
    }

    @Test
    void refusesForeignArrays() {
        BufferPool pool = new BufferPool(16, 2);
        assertThrows(IllegalArgumentException.class, () -> pool.release(new byte[15]));
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(0, 1));
    }
}
