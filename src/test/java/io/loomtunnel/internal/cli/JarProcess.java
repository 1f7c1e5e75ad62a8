package io.loomtunnel.internal.cli;

import io.loomtunnel.natlab.WatchedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The fat jar running as a real process for tests, its output watched line by line; closing kills it. */
final class JarProcess extends WatchedProcess {
    private JarProcess(Process process) {
        super("jar-" + process.pid(), process);
    }

    static JarProcess start(Map<String, String> env, String... args) throws IOException {
        return start(false, env, args);
    }

    /** Like {@link #start} with another heap limit than 256 MB, e.g. {@code 64m} to show that a stream is not buffered whole. */
    static JarProcess startWithHeap(String maxHeap, Map<String, String> env, String... args) throws IOException {
        return start(false, "-Xmx" + maxHeap, env, args);
    }

    /** Starts the jar with {@code input} as its whole standard input (then closed), e.g. a console script. */
    static JarProcess startWithInput(String input, Map<String, String> env, String... args) throws IOException {
        JarProcess p = start(true, env, args);
        p.type(input);
        p.closeInput();
        return p;
    }

    /** Like {@link #start}, with standard input left open for {@link #type}. */
    static JarProcess interactive(Map<String, String> env, String... args) throws IOException {
        return start(true, env, args);
    }

    private static JarProcess start(boolean input, Map<String, String> env, String... args) throws IOException {
        return start(input, "-Xmx256m", env, args);
    }

    private static JarProcess start(boolean input, String heap, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(SIGINT_AS_FROM_A_TERMINAL);
        command.addAll(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), heap, "-jar", jar()));
        command.addAll(List.of(args));
        return new JarProcess(launch(command, env, input));
    }

    /**
     * A suite started in the background (`scripts/test &`, nohup, some CI runners) passes SIGINT on
     * as ignored, and a JVM leaves an ignored SIGINT ignored: Ctrl-C tests would then wait for
     * ever. Started through {@code env --default-signal=INT} (coreutils 8.31+), the jar gets
     * SIGINT as a terminal gives it; without such an env, as it comes.
     */
    private static final List<String> SIGINT_AS_FROM_A_TERMINAL = sigintDefaultPrefix();

    private static List<String> sigintDefaultPrefix() {
        List<String> prefix = List.of("env", "--default-signal=INT");
        try {
            Process probe = new ProcessBuilder(new ArrayList<>(List.of("env", "--default-signal=INT", "true")))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return probe.waitFor() == 0 ? prefix : List.of();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    static String jar() {
        String jar = System.getProperty("loomtunnel.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("the fat jar is missing (run through `mvn verify`): " + jar);
        }
        return jar;
    }
}
