package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * Issue 12, the jar as a process: every command's --help keeps its examples as written (no
 * {@code tokens.} / {@code txt}) and fits the width COLUMNS gives; bad usage is one line on
 * stderr, with "did you mean", the help to read and exit code 2, instead of a usage dump.
 */
@Timeout(300)
class UsageIT {
    private static final int WIDE = 200;
    private static final String SERVER_ID = io.loomtunnel.tls.Identity.generate().id().toString();

    /** Runs the jar with COLUMNS set to {@code columns} (or unset when null). */
    private static CliIT.Run loomtunnel(Integer columns, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JarProcess.jar())); // ~31 short runs: start fast
        command.addAll(List.of(args));
        Map<String, String> env = new HashMap<>();
        env.put("COLUMNS", columns == null ? null : columns.toString());
        return CliIT.run(command, env);
    }

    /** Every command under loomtunnel, the top one included, as the words that name it; new subcommands come in by themselves. */
    private static Map<CommandLine, List<String>> commands() {
        Map<CommandLine, List<String>> all = new IdentityHashMap<>();
        collect(Main.commandLine(), List.of(), all);
        return all;
    }

    private static void collect(CommandLine command, List<String> words, Map<CommandLine, List<String>> all) {
        if (all.putIfAbsent(command, words) != null) {
            return; // an alias
        }
        command.getSubcommands().forEach((name, sub) -> {
            List<String> path = new ArrayList<>(words);
            path.add(sub.getCommandName());
            collect(sub, path, all);
        });
    }

    /** The footer's runs of indented lines (the examples) as the source writes them, each run one string. */
    private static List<String> examples(CommandLine command) {
        List<String> runs = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        for (String element : command.getCommandSpec().usageMessage().footer()) {
            for (String line : String.format(element).split("\\R", -1)) {
                if (!line.isEmpty() && Character.isWhitespace(line.charAt(0))) {
                    run.append(line).append('\n');
                } else if (run.length() > 0) {
                    runs.add(run.toString());
                    run.setLength(0);
                }
            }
        }
        if (run.length() > 0) {
            runs.add(run.toString());
        }
        return runs;
    }

    @Test
    void everyHelpKeepsItsExamplesWholeAndFitsTheWidth() throws Exception {
        boolean usedTheWidth = false;
        int checkedExamples = 0;
        for (Map.Entry<CommandLine, List<String>> c : commands().entrySet()) {
            List<String> examples = examples(c.getKey());
            for (String run : examples) {
                run.lines().forEach(l -> assertTrue(l.length() <= 80, "an example line wider than 80 columns: " + l));
            }
            for (int width : new int[] {80, WIDE}) {
                List<String> args = new ArrayList<>(c.getValue());
                args.add("--help");
                CliIT.Run help = loomtunnel(width, args.toArray(String[]::new));
                String what = String.join(" ", args) + " at COLUMNS=" + width;
                assertEquals(0, help.exit(), what + ": " + help.err());
                String out = help.out().replace("\r\n", "\n");
                for (String run : examples) {
                    assertTrue(out.contains(run), what + ": the example is not as written:\n" + run + "\nin:\n" + out);
                    checkedExamples++;
                }
                for (String line : out.lines().toList()) {
                    assertTrue(line.length() <= width, what + ": a line wider than " + width + ": " + line);
                    usedTheWidth |= width == WIDE && line.length() > 80;
                }
            }
        }
        assertTrue(checkedExamples >= 2 * 9, "examples of every command were checked: " + checkedExamples);
        assertTrue(usedTheWidth, "COLUMNS=" + WIDE + " gave no line wider than 80");
    }

    /** Exit 2, nothing on stdout, exactly {@code line} on stderr. */
    private static void oneLine(String line, String... args) throws Exception {
        CliIT.Run run = loomtunnel(null, args);
        String what = "loomtunnel " + String.join(" ", args);
        assertEquals(ExitCode.USAGE, run.exit(), what + ": " + run.err());
        assertEquals("", run.out(), what);
        assertEquals(line + "\n", run.err().replace("\r\n", "\n"), what);
    }

    @Test
    void badUsageIsOneLineWithWhatToTryAndExitTwo() throws Exception {
        oneLine("loomtunnel client: unknown option --tpc (did you mean --tcp?); see 'loomtunnel client --help'",
                "client", "--server", "127.0.0.1:7835", "--tpc", "2222:127.0.0.1:22");
        oneLine("loomtunnel: unknown command 'clinet' (did you mean client?); see 'loomtunnel --help'", "clinet");
        oneLine("loomtunnel: unknown command 'stauts' (did you mean status?); see 'loomtunnel --help'", "help", "stauts");
        oneLine("loomtunnel keygen: missing --out FILE; see 'loomtunnel keygen --help'", "keygen");
        oneLine("loomtunnel client: --server needs a value (HOST:PORT); see 'loomtunnel client --help'", "client", "--server");
        oneLine("loomtunnel demo: bad value for --duration: 'soon' is not a duration like 500ms, 30s, 5m or 2h;"
                + " see 'loomtunnel demo --help'", "demo", "--duration", "soon");
        oneLine("loomtunnel demo: --http-port must be within 0-65535, got 70000; see 'loomtunnel demo --help'",
                "demo", "--http-port", "70000");
        oneLine("loomtunnel client: --server must be HOST:PORT with a port from 1 to 65535, got 'example.org:99999';"
                + " see 'loomtunnel client --help'", "client", "--server", "example.org:99999", "--tcp", "0:127.0.0.1:22");
        oneLine("loomtunnel: h2c is set for 'nosuch', which is not an http tunnel of this client (TLS passthrough tunnels excluded)",
                "client", "--server", "127.0.0.1:7835", "--server-id", SERVER_ID,
                "--http", "web:127.0.0.1:3000", "--h2c", "nosuch");
        CliIT.Run none = loomtunnel(null);
        assertEquals(ExitCode.USAGE, none.exit());
        assertTrue(none.err().matches("loomtunnel: a command is required: server, client, .*; see 'loomtunnel --help'\n"), none.err());
    }
}
