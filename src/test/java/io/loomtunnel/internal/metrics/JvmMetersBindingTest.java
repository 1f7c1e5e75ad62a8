package io.loomtunnel.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The JVM's meters are bound at the first scrape when no application registry could read them earlier, and at start when one could. */
class JvmMetersBindingTest {
    @Test
    void withoutAnApplicationRegistryTheFirstScrapeBindsThem() {
        try (EndpointMetrics m = EndpointMetrics.start("server", null)) {
            assertNull(m.registry().find("jvm.memory.used").gauge(), "bound before anyone could read them");
            String text = m.scrape();
            assertTrue(text.contains("jvm_memory_used_bytes"), "the first scrape has them");
            assertTrue(text.contains("jvm_threads_live_threads"), "the first scrape has them");
            assertTrue(m.view().scrape().contains("jvm_gc_"), "and so does the embedder's view");
        }
    }

    @Test
    void anApplicationRegistryGetsThemAtOnce() {
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        try (EndpointMetrics m = EndpointMetrics.start("client", own)) {
            assertNotNull(own.find("jvm.memory.used").gauge());
        }
    }
}
