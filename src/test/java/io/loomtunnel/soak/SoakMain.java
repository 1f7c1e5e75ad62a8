package io.loomtunnel.soak;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of scripts/soak (which builds the jar, makes the emulated link and cleans up after):
 * {@code --minutes N --out DIR --jar FILE [--jvm-options "..."] [--link WIRE_NS PEER_NS HOST_ADDRESS | --no-link REASON]}.
 * Exit 0 when the soak passed, 1 when it failed (the last line says why), 2 for bad arguments.
 */
public final class SoakMain {
    /**
     * A small heap, committed and touched at start: the heap's share of RSS is then constant, so RSS
     * growth means native memory (thread stacks, buffers, code, metaspace), and a heap leak runs out
     * of its 128 MiB and crashes the process within the hour instead of hiding in a heap that grows.
     */
    static final String DEFAULT_JVM_OPTIONS = "-Xms128m -Xmx128m -XX:+AlwaysPreTouch";

    private SoakMain() {}

    public static void main(String[] args) throws Exception {
        SoakOptions options;
        try {
            options = parse(args);
        } catch (RuntimeException e) {
            System.err.println("soak: " + e.getMessage());
            System.exit(2);
            return;
        }
        watchParent();
        int code;
        try {
            code = new Soak(options).run();
        } catch (Exception | Error e) { // the harness itself failed: one line, and an exit that ends every thread
            System.out.println("soak: FAIL: the soak could not run: " + e);
            code = 1;
        }
        System.exit(code);
    }

    /**
     * scripts/soak runs this JVM in a session of its own so that its trap can end it; should the
     * script itself be killed (no trap then), this ends the run instead of carrying on unwatched.
     */
    private static void watchParent() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        if (parent == null) {
            return;
        }
        Thread.ofPlatform().name("soak parent watch").daemon().start(() -> {
            while (parent.isAlive()) {
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.out.println("soak: the process that started the soak (pid " + parent.pid() + ") is gone; stopping");
            System.exit(1);
        });
    }

    static SoakOptions parse(String[] args) throws java.net.UnknownHostException {
        double minutes = 60;
        Path out = null;
        Path jar = null;
        List<String> jvm = List.of(DEFAULT_JVM_OPTIONS.split(" "));
        String wire = null;
        String peer = null;
        InetAddress host = null;
        String noLink = "not asked for";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--minutes" -> minutes = Double.parseDouble(value(args, ++i));
                case "--out" -> out = Path.of(value(args, ++i));
                case "--jar" -> jar = Path.of(value(args, ++i));
                case "--jvm-options" -> jvm = new ArrayList<>(Arrays.asList(value(args, ++i).trim().split("\\s+")));
                case "--link" -> {
                    wire = value(args, ++i);
                    peer = value(args, ++i);
                    host = InetAddress.getByName(value(args, ++i)); // a literal: no lookup
                }
                case "--no-link" -> noLink = value(args, ++i);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (out == null || jar == null) {
            throw new IllegalArgumentException("--out and --jar are required");
        }
        if (!(minutes > 0) || minutes > 24 * 60) {
            throw new IllegalArgumentException("--minutes must be more than 0 and at most 1440: " + minutes);
        }
        return new SoakOptions(minutes, out, jar, jvm.stream().filter(s -> !s.isEmpty()).toList(), wire, peer, host, noLink);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
