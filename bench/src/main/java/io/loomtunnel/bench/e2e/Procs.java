package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every process one run starts; all are killed at {@link #close} and, should the run die, by a shutdown hook. */
final class Procs implements AutoCloseable {
    private final List<Proc> started = new CopyOnWriteArrayList<>();
    private final Thread hook = new Thread(this::killAll);

    Procs() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    Proc start(String name, Path dir, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        Proc proc = new Proc(name, p);
        started.add(proc);
        return proc;
    }

    /** A JVM on the class path of this one (benchmarks.jar) running {@code mainClass}. */
    Proc java(String name, Path dir, List<String> jvmArgs, String mainClass, List<String> args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(javaBinary()));
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        return start(name, dir, command);
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void killAll() {
        for (Proc p : started) {
            try {
                p.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        started.clear();
    }

    @Override
    public void close() {
        killAll();
        Runtime.getRuntime().removeShutdownHook(hook);
    }
}
