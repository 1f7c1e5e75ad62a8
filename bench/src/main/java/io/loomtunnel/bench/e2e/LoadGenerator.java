package io.loomtunnel.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** The load generator, a process of its own: {@code LoadGenerator SCENARIO PORT [--quick]} prints one JSON line. */
public final class LoadGenerator {
    private LoadGenerator() {}

    public static void main(String[] args) throws Exception {
        Scenario scenario = Scenario.named(args[0]);
        boolean quick = args.length > 2 && args[2].equals("--quick");
        ObjectMapper json = new ObjectMapper();
        try {
            System.out.println(json.writeValueAsString(Map.of("metrics", scenario.load(Integer.parseInt(args[1]), quick))));
        } catch (Exception e) {
            System.out.println(json.writeValueAsString(Map.of("error", String.valueOf(e))));
            System.exit(1);
        }
        // worker threads of a timed-out load may still be blocked in a write
        System.exit(0);
    }
}
