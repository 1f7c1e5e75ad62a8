package io.loomtunnel.natlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.ResourceLock;

/** A lab leaves nothing behind: after close, after a test fails inside it, when its JVM is stopped, and after a crash. */
@ResourceLock(NatLab.LOCK) // one lab at a time; other ITs may run beside it (docs/TESTING.md)
@Timeout(120)
class NatLabCleanupIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static NatLab smallLab() {
        return NatLab.builder().router("r", NatType.SYMMETRIC, "h").publicHost("p").start();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static List<String> rootInterfaces() {
        return List.of(Commands.run(List.of("ip", "-o", "link", "show")).replaceAll("(?m)^\\d+: ([^:@]+).*$", "$1").split("\n"));
    }

    @Test
    void closeRemovesNamespacesInterfacesAndProcesses() throws Exception {
        List<String> interfacesBefore = rootInterfaces();
        NatLab lab = smallLab();
        List<String> made = LabNames.namespacesStartingWith(lab.prefix());
        assertEquals(4, made.size(), "pub, p, r and h: " + made);
        assertEquals(interfacesBefore, rootInterfaces(), "no interface in the root namespace");
        WatchedProcess tracked = NatProbe.start(lab.host("h"), "listen", "5000");
        tracked.await("listening", WAIT);
        // A process the lab did not start, left inside one of its namespaces.
        Process stray = new ProcessBuilder("ip", "netns", "exec", lab.router("r").namespace(), "sleep", "600").start();

        lab.close();

        assertEquals(List.of(), LabNames.namespacesStartingWith(lab.prefix()));
        assertFalse(alive(tracked.pid()), "the lab's process was killed");
        assertTrue(stray.waitFor(10, TimeUnit.SECONDS), "the stray process was killed");
        assertEquals(interfacesBefore, rootInterfaces());
        lab.close(); // idempotent
    }

    @Test
    void aTestThatFailsInsideTheLabStillRemovesIt() throws InterruptedException {
        String[] prefix = new String[1];
        long[] pid = new long[1];
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> {
            try (NatLab lab = smallLab()) {
                prefix[0] = lab.prefix();
                WatchedProcess p = NatProbe.start(lab.host("p"), "listen", "5000");
                p.await("listening", WAIT);
                pid[0] = p.pid();
                throw new IllegalStateException("a test failing inside the lab");
            }
        });
        assertEquals("a test failing inside the lab", failure.getMessage());
        assertEquals(List.of(), LabNames.namespacesStartingWith(prefix[0]));
        assertFalse(alive(pid[0]));
    }

    @Test
    void theShutdownHookRemovesALabItsJvmNeverClosed() throws Exception {
        List<String> command = List.of(LabHost.javaBinary(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                LabHookMain.class.getName());
        try (WatchedProcess jvm = new WatchedProcess("hook-main", WatchedProcess.launch(command, Map.of()))) {
            Matcher built = jvm.await("^lab (\\S+) probe (\\d+)$", WAIT);
            String prefix = built.group(1);
            assertEquals(3, LabNames.namespacesStartingWith(prefix).size(), "pub, r and h");
            jvm.terminate(); // SIGTERM: the JVM exits and runs its hooks
            jvm.exitCode(WAIT);
            assertEquals(List.of(), LabNames.namespacesStartingWith(prefix));
            assertFalse(alive(Long.parseLong(built.group(2))), "the lab's process was killed");
        }
    }

    @Test
    void startRemovesOnlyNamespacesWhoseJvmIsGone() throws IOException, InterruptedException {
        LabPreconditions.assume(); // before adding namespaces by hand
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        String stale = LabNames.MARKER + finished.pid() + "-dead-pub";
        String live = LabNames.MARKER + ProcessHandle.current().pid() + "-beef-pub";
        String foreign = "ltforeign-" + finished.pid();
        for (String name : List.of(stale, live, foreign)) {
            Commands.run(List.of("ip", "netns", "add", name));
        }
        try {
            smallLab().close();
            List<String> left = LabNames.allNamespaces();
            assertFalse(left.contains(stale), "a dead JVM's namespace was removed: " + left);
            assertTrue(left.contains(live), "a live JVM's namespace was kept: " + left);
            assertTrue(left.contains(foreign), "a namespace without our marker was kept: " + left);
        } finally {
            for (String name : List.of(stale, live, foreign)) {
                Commands.attempt(List.of("ip", "netns", "delete", name));
            }
        }
    }
}
