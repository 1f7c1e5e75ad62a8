package io.loomtunnel.internal.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A retry that gives up says what it waited for and how the last try failed. */
class ProbesTest {
    private static final Duration SHORT = Duration.ofMillis(200);

    @Test
    void returnsOnceTheCheckHolds() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        Probes.eventually(Duration.ofSeconds(10), "the third try", () -> tries.incrementAndGet() == 3);
        assertEquals(3, tries.get());
    }

    @Test
    void timeoutCarriesTheLastFailureAsItsCause() {
        IOException refused = new IOException("connection refused");
        AssertionError e = assertThrows(AssertionError.class, () -> Probes.eventually(SHORT, "the port answers", () -> {
            throw refused;
        }));
        assertSame(refused, e.getCause());
        assertTrue(e.getMessage().contains("the port answers") && e.getMessage().contains("connection refused"), e.getMessage());
    }

    @Test
    void aFailedAssertionInsideTheCheckIsReportedToo() {
        AssertionError e = assertThrows(AssertionError.class, () -> Probes.eventually(SHORT, "a count of 1", () -> {
            assertEquals(1, 2, "count");
            return true;
        }));
        assertTrue(e.getCause().getMessage().contains("expected: <1> but was: <2>"), e.getCause().getMessage());
    }

    @Test
    void aCheckThatStaysFalseSaysSoAndDescribesTheStateAtTimeout() {
        AtomicInteger tries = new AtomicInteger();
        AssertionError e = assertThrows(AssertionError.class,
                () -> Probes.eventually(SHORT, () -> "never true after " + tries.get() + " tries", () -> tries.incrementAndGet() < 0));
        assertNull(e.getCause());
        assertTrue(e.getMessage().contains("never true after " + tries.get() + " tries")
                && e.getMessage().contains("the last try returned false"), e.getMessage());
    }
}
