package io.loomtunnel.internal.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The refusal log on a clock the test moves: one line per interval, the rest summed up by reason. */
class RefusalLogTest {
    private final AtomicLong now = new AtomicLong(-5);
    private final List<String> lines = new ArrayList<>();
    private final RefusalLog log = new RefusalLog("admin endpoint", Duration.ofMinutes(1), lines::add, now::get);

    @Test
    void aFloodIsOneLineAndASummary() {
        log.refused("192.0.2.1", "wrong bearer token");
        for (int i = 0; i < 1_000; i++) {
            log.refused("192.0.2." + (i % 7), i % 10 == 0 ? "foreign Host" : "wrong bearer token");
        }
        assertEquals(List.of("admin endpoint refused 192.0.2.1: wrong bearer token"), lines);
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        log.refused("192.0.2.9", "cross-site request");
        assertEquals("admin endpoint refused 192.0.2.9: cross-site request; 1,000 more refused since the line"
                + " before (foreign Host: 100, wrong bearer token: 900), the last from 192.0.2.5", lines.get(1));
        log.refused("192.0.2.9", "cross-site request");
        log.flush();
        assertEquals("admin endpoint: 1 more refused since the line before (cross-site request: 1), the last from 192.0.2.9",
                lines.get(2));
        log.flush();
        assertEquals(3, lines.size(), "nothing left to say");
    }

    @Test
    void detailsAreWrittenOnlyOnTheirOwnLineAndReasonsAreCountedUpToALimit() {
        log.refused("192.0.2.1", "400 malformed request", "bare LF");
        for (int i = 0; i < 100; i++) {
            log.refused("192.0.2.2", "502 tunnel t" + i + " cannot be opened", "detail " + i);
        }
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        log.refused("192.0.2.3", "404 unknown host");
        assertEquals("admin endpoint refused 192.0.2.1: 400 malformed request (bare LF)", lines.get(0));
        String summary = lines.get(1);
        assertTrue(summary.startsWith("admin endpoint refused 192.0.2.3: 404 unknown host; 100 more refused"), summary);
        assertTrue(summary.contains("other: " + (100 - ReasonCounts.MAX_REASONS)), summary);
        assertEquals(ReasonCounts.MAX_REASONS + 1, summary.split(": \\d+[,)]").length - 1, "counted reasons: " + summary);
        assertTrue(!summary.contains("detail"), summary);
    }
}
