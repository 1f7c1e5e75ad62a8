package io.loomtunnel.internal.admin;

import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.observe.Status;
import java.io.Closeable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An admin target that only writes down the actions it was asked for ("open tcp SPEC", "kick 7", "close x"). */
final class RecordingTarget implements AdminTarget, Closeable {
    final List<String> actions = new CopyOnWriteArrayList<>();
    private final EndpointMetrics metrics = EndpointMetrics.start("client", null);

    @Override
    public Status status() {
        return new Status("client", "loomtunnel/test", "id", 1, new Status.Totals(0, 0, 0, 0, 0, 0, 0, 0),
                new Status.Throughput(0, 0, 0, List.of()), List.of());
    }

    @Override
    public EndpointMetrics metrics() {
        return metrics;
    }

    @Override
    public void kick(String sessionId) {
        actions.add("kick " + sessionId);
    }

    @Override
    public Status.Tunnel open(String type, String spec) {
        actions.add("open " + type + " " + spec);
        return new Status.Tunnel("t", type, "127.0.0.1:1", spec, 0, 0, 0, 0, 0, null, null, null);
    }

    @Override
    public void close(String tunnel) {
        actions.add("close " + tunnel);
    }

    @Override
    public void close() {
        metrics.close();
    }
}
