package io.loomtunnel.internal.admin;

import io.loomtunnel.internal.metrics.OtlpExport;
import io.loomtunnel.observe.ObserveSettings;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What watches a running server or client, as its {@link ObserveSettings} ask: the admin
 * endpoint, the JSON snapshot file, OTLP export. Closing stops them all (the JSON file gets a
 * last snapshot, OTLP a last push).
 *
 * <p>Threads: none of its own; each part owns and joins its threads. No lock: {@code closed}
 * makes close run once.
 */
public final class Observability implements Closeable {
    private final AdminServer admin;
    private final MetricsJsonFile json;
    private final OtlpExport otlp;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Observability(AdminServer admin, MetricsJsonFile json, OtlpExport otlp) {
        this.admin = admin;
        this.json = json;
        this.otlp = otlp;
    }

    /** Starts what {@code settings} asks for; a failure (the admin port taken) undoes the rest. */
    public static Observability start(ObserveSettings settings, AdminTarget target) throws IOException {
        OtlpExport otlp = settings.otlpEndpoint() == null ? null
                : OtlpExport.start(target.metrics(), settings.otlpEndpoint(), settings.interval());
        AdminServer admin;
        try {
            admin = settings.adminBind() == null ? null : AdminServer.start(settings, target);
        } catch (IOException | RuntimeException e) {
            if (otlp != null) {
                otlp.close();
            }
            throw e;
        }
        MetricsJsonFile json = settings.metricsJson() == null ? null
                : MetricsJsonFile.start(settings.metricsJson(), settings.interval(), target::status, target.metrics().registryToRead());
        return new Observability(admin, json, otlp);
    }

    /** Where the admin endpoint listens, or null without one. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    /** Stops everything once; later calls do nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (admin != null) {
            admin.close();
        }
        if (json != null) {
            json.close();
        }
        if (otlp != null) {
            otlp.close();
        }
    }
}
