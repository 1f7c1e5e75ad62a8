package io.loomtunnel.internal.metrics;

import io.loomtunnel.Version;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.util.NamedThreadFactory;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import java.io.Closeable;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Pushes every meter to an OTLP/HTTP endpoint (an OpenTelemetry collector) every step, with
 * Micrometer's OTLP registry added to the endpoint's composite. Closing pushes once more.
 */
public final class OtlpExport implements Closeable {
    private final EndpointMetrics metrics;
    private final OtlpMeterRegistry otlp;

    private OtlpExport(EndpointMetrics metrics, OtlpMeterRegistry otlp) {
        this.metrics = metrics;
        this.otlp = otlp;
    }

    public static OtlpExport start(EndpointMetrics metrics, URI endpoint, Duration step) {
        OtlpConfig config = new OtlpConfig() {
            @Override
            public String get(String key) {
                return null; // nothing from system properties or the environment: only what we set here
            }

            @Override
            public String url() {
                return endpoint.toString();
            }

            @Override
            public Duration step() {
                return step;
            }

            @Override
            public Map<String, String> resourceAttributes() {
                return Map.of("service.name", "loomtunnel-" + metrics.role(), "service.version", Version.SOFTWARE);
            }
        };
        OtlpMeterRegistry otlp = new OtlpMeterRegistry(config, Clock.SYSTEM, new NamedThreadFactory("otlp-metrics-" + metrics.role()));
        metrics.registryToRead().add(otlp);
        return new OtlpExport(metrics, otlp);
    }

    @Override
    public void close() {
        metrics.registry().remove(otlp);
        otlp.close();
    }
}
