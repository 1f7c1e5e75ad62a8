package io.loomtunnel.session;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.tunnel.Probes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tls.PeerVerifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer process is killed (SIGKILL) while our readers wait for data and our writers wait for
 * window credit: every one of them must wake with an exception, and none of the session's
 * threads may survive.
 */
@Timeout(120)
class PeerKilledTest {

    @Test
    void everyBlockedThreadWakesAndNoSessionThreadSurvives(@TempDir Path tmp) throws Exception {
        Process peer = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SinkPeerMain.class.getName())
                .redirectErrorStream(true).start();
        try {
            String[] hello = new BufferedReader(new InputStreamReader(peer.getInputStream())).readLine().trim().split(" ");
            int port = Integer.parseInt(hello[0]);
            PeerId peerId = PeerId.parse(hello[1]);
            Session session = new SessionDialer(Identity.generate(), PeerVerifier.pinned(peerId), null, SessionOptions.defaults())
                    .dial(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));

            List<CompletableFuture<Throwable>> woken = new ArrayList<>();
            List<Thread> blocked = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                MuxStream s = session.mux().open();
                boolean writer = i % 2 == 0;
                CompletableFuture<Throwable> outcome = new CompletableFuture<>();
                woken.add(outcome);
                blocked.add(Thread.ofVirtual().name("test-" + (writer ? "writer-" : "reader-") + i).start(() -> {
                    try {
                        if (writer) {
                            byte[] chunk = new byte[64 * 1024];
                            while (true) {
                                s.output().write(chunk); // blocks once the window is full
                            }
                        }
                        s.input().read(); // blocks: the peer never writes
                        outcome.complete(null);
                    } catch (Throwable t) {
                        outcome.complete(t);
                    }
                }));
            }
            // Writers park once their window is full, readers at once: wait until all ten are parked.
            Probes.eventually(Duration.ofSeconds(20), "every thread blocked",
                    () -> blocked.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
            for (CompletableFuture<Throwable> f : woken) {
                assertFalse(f.isDone(), "nothing wakes before the kill");
            }

            String sessionThreads = OwnedThreads.THREAD_NAME_PREFIX + "session " + peerId.abbreviated();
            assertTrue(threadDump(tmp).contains(sessionThreads), "the dump shows the live session's threads");

            peer.destroyForcibly();
            assertTrue(peer.waitFor(20, TimeUnit.SECONDS));

            for (CompletableFuture<Throwable> f : woken) {
                Throwable t = f.get(30, TimeUnit.SECONDS);
                assertTrue(t instanceof IOException, "woke with an IOException, got " + t);
            }
            assertTrue(session.mux().awaitClosed(Duration.ofSeconds(30)));

            Probes.eventually(Duration.ofSeconds(20), () -> "no thread of the session is left: " + threadDump(tmp),
                    () -> !threadDump(tmp).contains(sessionThreads));
            assertEquals(0, session.mux().streamCount());
        } finally {
            peer.destroyForcibly();
        }
    }

    /** All threads, virtual ones included, as the JDK's JSON thread dump lists them. */
    private static String threadDump(Path dir) {
        try {
            Path file = Files.createTempFile(dir, "threads", ".json");
            Files.delete(file);
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            return Files.readString(file);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
