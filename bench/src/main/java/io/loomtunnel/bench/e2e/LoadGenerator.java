package io.loomtunnel.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The load generator, a process of its own: {@code LoadGenerator SCENARIO PORT [--quick] [--process ROLE=PID]...}
 * prints one JSON line, {"metrics": {...}} or {"error": "..."}.
 */
public final class LoadGenerator {
    private LoadGenerator() {}

    public static void main(String[] args) throws Exception {
        LoadScenario scenario = (LoadScenario) Scenario.named(args[0]);
        int port = Integer.parseInt(args[1]);
        boolean quick = false;
        Map<String, Long> processes = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--quick")) {
                quick = true;
            } else if (args[i].equals("--process")) {
                String[] role = args[++i].split("=", 2);
                processes.put(role[0], Long.parseLong(role[1]));
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        ObjectMapper json = new ObjectMapper();
        try {
            System.out.println(json.writeValueAsString(Map.of("metrics", scenario.load(port, quick, processes))));
        } catch (Exception e) {
            System.out.println(json.writeValueAsString(Map.of("error", String.valueOf(e))));
            System.exit(1);
        }
        // worker threads of a timed-out load may still be blocked in a write
        System.exit(0);
    }
}
