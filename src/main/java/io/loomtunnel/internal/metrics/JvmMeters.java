package io.loomtunnel.internal.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.io.Closeable;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The JVM's meters: memory, GC, platform threads, CPU, and the virtual-thread scheduler. The
 * last come from the JDK's {@code VirtualThreadSchedulerMXBean} (JDK 24 and newer; absent on
 * older JDKs), read only when scraped: unlike micrometer-java21's JFR-based binder it costs
 * nothing between scrapes.
 */
final class JvmMeters implements Closeable {
    private static final String SCHEDULER = "jdk.management:type=VirtualThreadScheduler";

    private final JvmGcMetrics gc = new JvmGcMetrics();

    JvmMeters(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        bindVirtualThreads(registry);
    }

    private static void bindVirtualThreads(MeterRegistry registry) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name;
        try {
            name = new ObjectName(SCHEDULER);
            if (!server.isRegistered(name)) {
                return; // JDK 21-23
            }
        } catch (JMException e) {
            return;
        }
        gauge(registry, server, name, "parallelism", "Parallelism", "carrier threads the scheduler aims to keep busy");
        gauge(registry, server, name, "pool.size", "PoolSize", "carrier threads started");
        gauge(registry, server, name, "mounted", "MountedVirtualThreadCount", "virtual threads running on a carrier now");
        gauge(registry, server, name, "queued", "QueuedVirtualThreadCount", "virtual threads waiting for a carrier");
    }

    private static void gauge(MeterRegistry registry, MBeanServer server, ObjectName bean, String suffix, String attribute,
                              String description) {
        Gauge.builder(MeterNames.VIRTUAL_THREADS_PREFIX + "." + suffix, () -> read(server, bean, attribute))
                .description(description).register(registry);
    }

    private static double read(MBeanServer server, ObjectName bean, String attribute) {
        try {
            return ((Number) server.getAttribute(bean, attribute)).doubleValue();
        } catch (JMException | ClassCastException e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() {
        gc.close();
    }
}
