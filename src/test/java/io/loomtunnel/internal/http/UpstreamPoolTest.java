package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pool's rules on a clock the test sets: bound, order, expiry, ended upstreams, close. */
class UpstreamPoolTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    /** An upstream that only knows whether it is open and whether it was closed. */
    private static final class Fake implements Upstream {
        boolean open = true;
        boolean closed;

        @Override
        public InputStream input() {
            return InputStream.nullInputStream();
        }

        @Override
        public OutputStream output() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void setReadTimeout(Duration timeout) {
        }

        @Override
        public boolean isOpen() {
            return open && !closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void keepsAtMostMaxIdlePushingOutTheOldestAndReusesTheNewestFirst() {
        UpstreamPool pool = new UpstreamPool(3, Duration.ofSeconds(2));
        List<Fake> given = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Fake f = new Fake();
            given.add(f);
            pool.give(f, 0);
        }
        assertEquals(3, pool.idle());
        assertTrue(given.get(0).closed && given.get(1).closed, "the two oldest were closed");
        assertSame(given.get(4), pool.take(0));
        assertSame(given.get(3), pool.take(0));
        assertSame(given.get(2), pool.take(0));
        assertNull(pool.take(0));
        assertFalse(given.get(2).closed || given.get(3).closed || given.get(4).closed);
    }

    @Test
    void expiredOrEndedUpstreamsAreClosedNotReused() {
        UpstreamPool pool = new UpstreamPool(16, Duration.ofSeconds(2));
        Fake old = new Fake();
        Fake ended = new Fake();
        Fake fresh = new Fake();
        pool.give(old, 0);
        pool.give(fresh, 2 * SECOND);
        pool.give(ended, 2 * SECOND);
        ended.open = false; // the app closed its connection, so the client ended the stream
        assertSame(fresh, pool.take(3 * SECOND));
        assertTrue(ended.closed, "the ended one was met first and closed");
        assertNull(pool.take(3 * SECOND));
        assertTrue(old.closed, "the one idle for 3 s was closed");

        Fake a = new Fake();
        Fake b = new Fake();
        pool.give(a, 10 * SECOND);
        pool.give(b, 11 * SECOND);
        pool.expire(12 * SECOND);
        assertTrue(a.closed);
        assertFalse(b.closed);
        assertEquals(1, pool.idle());
    }

    @Test
    void anEndedUpstreamIsNotKeptAndAClosedPoolKeepsNothing() {
        UpstreamPool pool = new UpstreamPool(16, Duration.ofSeconds(2));
        Fake ended = new Fake();
        ended.open = false;
        pool.give(ended, 0);
        assertTrue(ended.closed);
        Fake kept = new Fake();
        pool.give(kept, 0);
        pool.close();
        assertTrue(kept.closed);
        Fake late = new Fake();
        pool.give(late, 0);
        assertTrue(late.closed, "given back after the tunnel closed");
        assertEquals(0, pool.idle());

        UpstreamPool none = new UpstreamPool(0, Duration.ofSeconds(2));
        Fake f = new Fake();
        none.give(f, 0);
        assertTrue(f.closed);
    }
}
