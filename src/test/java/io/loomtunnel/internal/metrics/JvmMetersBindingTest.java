package io.loomtunnel.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The JVM's meters are bound when something can first read them: the first scrape, another reader attaching (OTLP, the JSON file), or at start with an application registry. */
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
    void aReaderOtherThanTheScrapeGetsThemWhenItAttaches() {
        try (EndpointMetrics m = EndpointMetrics.start("server", null)) {
            assertNotNull(m.registryToRead().find("jvm.memory.used").gauge(), "the OTLP export and the JSON file read every meter");
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
