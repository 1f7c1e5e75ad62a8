package io.loomtunnel.internal.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the per-source refusal log lets through: one line per source and interval, then summaries, all bounded. */
class SourceRefusalLogTest {
    private final List<String> lines = new ArrayList<>();
    private final SourceRefusalLog log = new SourceRefusalLog(Duration.ofSeconds(10), lines::add);

    @Test
    void aFloodFromOneSourceIsOneLineAndOneSummary() {
        log.refused("192.0.2.7", "invalid_token", "peer abc at /192.0.2.7:4000 refused: invalid token");
        for (int i = 0; i < 2_912; i++) {
            log.refused("192.0.2.7", i < 9 ? "invalid_token" : "penalized", "closed: penalized");
        }
        assertEquals(List.of("peer abc at /192.0.2.7:4000 refused: invalid token"), lines);
        log.endInterval();
        assertEquals("2,913 connections from 192.0.2.7 in the last 10 s (invalid_token: 10, penalized: 2,903)", lines.get(1));
        assertEquals(2, lines.size());
        log.endInterval();
        assertEquals(2, lines.size(), "a quiet interval says nothing");
    }

    @Test
    void aSingleRefusalNeedsNoSummary() {
        log.refused("192.0.2.7", "handshake", "TLS handshake with 192.0.2.7:4000 failed");
        log.endInterval();
        assertEquals(1, lines.size());
    }

    @Test
    void manySourcesStayWithinAFewDozenLines() {
        for (int i = 0; i < 5_000; i++) {
            for (int j = 0; j < 3; j++) {
                log.refused("source " + i, "handshake", "refusal " + j + " from source " + i);
            }
        }
        log.refused("source 0", "handshake", "one more");
        assertEquals(SourceRefusalLog.MAX_LINES, lines.size(), "full lines");
        log.endInterval();
        assertEquals(SourceRefusalLog.MAX_LINES + SourceRefusalLog.MAX_SUMMARIES + 1, lines.size(), String.join("\n", lines));
        assertEquals("4 connections from source 0 in the last 10 s (handshake: 4)", lines.get(SourceRefusalLog.MAX_LINES));
        String last = lines.get(lines.size() - 1);
        long summed = 4 + (SourceRefusalLog.MAX_SUMMARIES - 1) * 3L;
        assertEquals(String.format(java.util.Locale.ROOT, "%,d", 5_000 * 3 + 1 - summed)
                + " more connections from at least " + (SourceRefusalLog.MAX_SOURCES - SourceRefusalLog.MAX_SUMMARIES)
                + " other sources in the last 10 s", last);
        assertTrue(lines.stream().noneMatch(l -> l.contains("source 4999")), "uncounted sources are only summed");
    }
}
