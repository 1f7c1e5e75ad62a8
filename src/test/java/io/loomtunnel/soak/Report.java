package io.loomtunnel.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a run leaves behind, as soak.json (docs/SOAK.md describes every member): the verdict, the
 * flows' counts, UDP loss, every fault with its window, what the admin endpoints counted (their
 * status totals, taken after the drain), the growth judgements with their
 * tolerances and every sample. Times are ms on the run's clock; the judged run is
 * {@code runStartMs} to {@code runEndMs} (set-up before, drain and shutdown after).
 */
final class Report {
    /** A tolerance as the report states it. */
    record Tolerance(String metric, double absolute, double relative, String unit) {}

    /** The JSON document. */
    record Document(String finished, double minutes, boolean pass, String reason, String summary, String link,
            List<String> jvmOptions, long runStartMs, long runEndMs, List<Flow.Totals> flows, List<UdpFlow.Loss> udp,
            List<FaultLog.Entry> faults, Map<String, JsonNode> endpointTotals, List<Tolerance> tolerances, List<Growth.Judgement> growth, List<Sampler.Sample> samples) {}

    final Document document;

    Report(SoakOptions options, String link, long runStart, long runEnd, String failure, List<Flow> flows,
            List<FaultLog.Entry> faults, Map<String, JsonNode> endpointTotals, List<Growth.Judgement> growth,
            List<Sampler.Sample> samples) {
        List<Flow.Totals> totals = flows.stream().map(Flow::totals).toList();
        List<UdpFlow.Loss> udp = flows.stream().filter(f -> f instanceof UdpFlow).map(f -> ((UdpFlow) f).loss())
                .filter(Objects::nonNull).toList();
        List<Tolerance> tolerances = Growth.TOLERANCES.stream()
                .map(t -> new Tolerance(t.metric(), t.absolute(), t.relative(), t.unit())).toList();
        document = new Document(Instant.now().toString(), options.minutes(), failure == null, failure,
                summary(options.minutes(), totals, udp, faults.size(), growth), link, options.jvmOptions(), runStart, runEnd,
                totals, udp, faults, endpointTotals, tolerances, growth, samples);
    }

    String summary() {
        return document.summary();
    }

    private static String summary(double minutes, List<Flow.Totals> flows, List<UdpFlow.Loss> udp, int faults,
            List<Growth.Judgement> growth) {
        long ok = 0;
        long killed = 0;
        long excused = 0;
        long bytes = 0;
        for (Flow.Totals t : flows) {
            if (udp.stream().noneMatch(u -> u.flow().equals(t.flow()))) {
                ok += t.ok();
                killed += t.killedOnPurpose();
                excused += t.excused();
            }
            bytes += t.bytesChecked();
        }
        long sent = udp.stream().mapToLong(UdpFlow.Loss::sent).sum();
        long lostOutside = udp.stream().mapToLong(UdpFlow.Loss::lostOutsideFaults).sum();
        long lostInFaults = udp.stream().mapToLong(UdpFlow.Loss::lostInFaults).sum();
        long processes = growth.stream().map(Growth.Judgement::process).distinct().count();
        return String.format("%s min, %d faults; %d streams/requests/frames intact, %d killed on purpose, %d cut by faults; "
                        + "%.0f MiB checked; %d datagrams, %d lost in faults, %d outside; rss/threads/fds flat in %d processes",
                minutes % 1 == 0 ? String.valueOf((long) minutes) : String.valueOf(minutes), faults, ok, killed, excused,
                bytes / 1048576.0, sent, lostInFaults, lostOutside, processes);
    }

    void write(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), document);
    }
}
