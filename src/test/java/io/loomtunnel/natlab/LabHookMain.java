package io.loomtunnel.natlab;

import java.time.Duration;

/**
 * A JVM that builds a lab, starts a process in it and never closes it: NatLabCleanupIT stops it
 * with SIGTERM to show the shutdown hook removes the lab. Prints "lab PREFIX probe PID" when built.
 */
public final class LabHookMain {
    private LabHookMain() {}

    public static void main(String[] args) throws InterruptedException {
        NatLab lab = NatLab.builder().router("r", NatType.ENDPOINT_INDEPENDENT, "h").start();
        WatchedProcess listener = NatProbe.start(lab.host("h"), "listen", "5000");
        listener.await("listening", Duration.ofSeconds(30));
        System.out.println("lab " + lab.prefix() + " probe " + listener.pid());
        Thread.sleep(Duration.ofMinutes(5)); // until the test stops us
    }
}
