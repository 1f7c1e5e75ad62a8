package io.loomtunnel.internal.policies;

import io.loomtunnel.internal.limits.Sources;
import io.loomtunnel.plugin.Completion;
import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicyProvider;
import io.loomtunnel.plugin.PolicySettings;
import io.loomtunnel.plugin.Request;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code request-log}: one JSON line per finished request ({@code time}, {@code tunnel},
 * {@code visitor}, {@code method}, {@code path}, {@code status}, {@code duration_ms},
 * {@code request_bytes} as the request declared them, {@code response_bytes},
 * {@code service_failed}) to {@code file} or standard output ({@code "-"}), at most
 * {@code queue} lines waiting (default 10,000; more are dropped, never waited for). Only the
 * process's own operator can name a file: a client's declared policy cannot make the server write one.
 */
final class RequestLogPolicy implements Policy {
    private final JsonLinesLog log;
    private final boolean query;

    RequestLogPolicy(JsonLinesLog log, boolean query) {
        this.log = log;
        this.query = query;
    }

    /** Registered in META-INF/services. */
    public static final class Provider implements PolicyProvider {
        @Override
        public String name() {
            return "request-log";
        }

        @Override
        public Policy create(PolicySettings settings) throws PolicyConfigException {
            if (settings.remote()) {
                throw settings.error("file", "cannot be given by a tunnel's client: request logs are the server operator's"
                        + " (server policies) or the client's own chain");
            }
            String file = settings.string("file", "-");
            String target = file.equals("-") ? file : settings.path("file").toString();
            long queue = settings.integer("queue", 10_000, 16, 1_000_000);
            boolean query = settings.bool("query", false);
            return new RequestLogPolicy(Settings.parse(settings, "file", () -> JsonLinesLog.open(target, (int) queue)), query);
        }
    }

    @Override
    public void onComplete(Request request, Completion completion) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("tunnel", request.tunnel());
        line.put("visitor", request.visitor() == null || request.visitor().getAddress() == null ? Sources.UNKNOWN
                : request.visitor().getAddress().getHostAddress());
        line.put("method", request.method());
        line.put("path", query ? request.target() : request.path());
        line.put("status", completion.status());
        line.put("duration_ms", completion.elapsed().toNanos() / 1e6);
        String length = request.headers().first("Content-Length");
        line.put("request_bytes", length != null && length.matches("\\d{1,18}") ? Long.parseLong(length) : null);
        line.put("response_bytes", completion.responseBytes());
        line.put("service_failed", completion.serviceFailed());
        log.write(line);
    }

    @Override
    public void close() {
        log.close();
    }
}
