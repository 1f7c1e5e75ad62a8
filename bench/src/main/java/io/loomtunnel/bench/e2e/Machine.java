package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the figures were measured on, for the JSON record. */
final class Machine {
    private Machine() {}

    static Map<String, Object> describe(List<String> peerVersions) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        m.put("peers", peerVersions);
        return m;
    }

    /**
     * The kernel's TCP segments retransmitted and packets dropped from full per-CPU backlogs (loopback
     * traffic goes through them; net.core.netdev_max_backlog), machine-wide: a load's tail latencies
     * of about 200 ms and more are retransmissions after such drops.
     */
    static long[] tcpLossCounters() throws IOException {
        List<String> snmp = Files.readAllLines(Path.of("/proc/net/snmp")).stream().filter(l -> l.startsWith("Tcp:")).toList();
        List<String> names = List.of(snmp.get(0).split("\\s+"));
        long retransmitted = Long.parseLong(snmp.get(1).split("\\s+")[names.indexOf("RetransSegs")]);
        long dropped = 0;
        for (String cpu : Files.readAllLines(Path.of("/proc/net/softnet_stat"))) {
            dropped += Long.parseLong(cpu.trim().split("\\s+")[1], 16);
        }
        return new long[] {retransmitted, dropped};
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
