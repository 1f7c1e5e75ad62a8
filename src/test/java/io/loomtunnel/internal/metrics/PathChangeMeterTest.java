package io.loomtunnel.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The path-change counter of share and connect (docs/METRICS.md): one series per role, from and to. */
class PathChangeMeterTest {
    @Test
    void eachMoveCountsUnderItsFromAndToPaths() {
        EndpointMetrics m = EndpointMetrics.start("connect", null);
        try {
            m.pathChanged("relay", "direct");
            m.pathChanged("relay", "direct");
            String scrape = m.view().scrape();
            assertTrue(scrape.lines().anyMatch(l -> l.matches(
                    "loomtunnel_p2p_path_changes_total\\{from=\"relay\",role=\"connect\",to=\"direct\"} 2(\\.0)?")), scrape);
        } finally {
            m.close();
        }
    }
}
