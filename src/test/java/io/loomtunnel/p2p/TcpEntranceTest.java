package io.loomtunnel.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.tunnel.Probes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connecting side's local TCP port with no session attached: connections wait for one, at most
 * the hold limit at once, each at most the hold timeout; the rest are closed with a reason. (That a
 * held connection carries data once a session comes: ServerSignalingTest.)
 */
@Timeout(60)
class TcpEntranceTest {
    private final List<String> refusals = new CopyOnWriteArrayList<>();

    @Test
    void connectionsBeyondTheLimitAreClosedAtOnceAndTheHeldOnesWhenTheHoldTimesOut() throws Exception {
        try (TcpEntrance entrance = TcpEntrance.open(new InetSocketAddress("127.0.0.1", 0), "echo",
                new TcpEntrance.Hold(Duration.ofMillis(1500), 2), (from, reason) -> refusals.add(reason))) {
            List<Socket> held = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                held.add(new Socket("127.0.0.1", entrance.address().getPort()));
            }
            Probes.eventually(Duration.ofSeconds(10), "two connections held", () -> entrance.held() == 2);
            try (Socket third = new Socket("127.0.0.1", entrance.address().getPort())) {
                third.setSoTimeout(10_000);
                assertEquals(-1, third.getInputStream().read(), "the third is closed");
            }
            assertEquals(List.of("no session yet, and 2 connections already wait for one (the limit)"), refusals);
            for (Socket s : held) {
                s.setSoTimeout(10_000);
                assertEquals(-1, s.getInputStream().read(), "closed when the hold timed out");
                s.close();
            }
            Probes.eventually(Duration.ofSeconds(10), "both timeouts reported", () -> refusals.size() == 3);
            assertEquals("no session came up within 1500 ms", refusals.get(1));
            assertEquals("no session came up within 1500 ms", refusals.get(2));
            assertEquals(0, entrance.held());
        }
    }

    @Test
    void closingThePortEndsTheHeldConnectionsWithoutCallingThemRefused() throws Exception {
        TcpEntrance entrance = TcpEntrance.open(new InetSocketAddress("127.0.0.1", 0), "echo",
                new TcpEntrance.Hold(Duration.ofMinutes(5), 4), (from, reason) -> refusals.add(reason));
        try (Socket s = new Socket("127.0.0.1", entrance.address().getPort())) {
            Probes.eventually(Duration.ofSeconds(10), "held", () -> entrance.held() == 1);
            entrance.close();
            s.setSoTimeout(10_000);
            assertTrue(readsEnd(s), "closed with the port");
        }
        assertEquals(List.of(), refusals);
    }

    private static boolean readsEnd(Socket s) {
        try {
            return s.getInputStream().read() == -1;
        } catch (IOException reset) {
            return true;
        }
    }
}
