package io.loomtunnel.natlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The lab behaves as NatType claims, shown with plain sockets (NatProbe): how each NAT type maps
 * UDP, that nothing unsolicited gets in, and that TCP simultaneous open works through two EIM
 * NATs but not through a symmetric one. One lab for the class; each test uses its own ports, as
 * conntrack remembers earlier tests' flows.
 */
@ResourceLock(NatLab.LOCK) // one lab at a time; other ITs may run beside it (docs/TESTING.md)
@Timeout(120)
class NatLabIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Three reflectors: two ports on pub's address and one on another public host. */
    private static final List<String> REFLECTORS = List.of("198.18.0.1:3478", "198.18.0.1:3480", "198.18.0.101:3479");

    private static NatLab lab;

    @BeforeAll
    static void start() throws InterruptedException {
        lab = NatLab.builder()
                .router("eima", NatType.ENDPOINT_INDEPENDENT, "alice")
                .router("eimb", NatType.ENDPOINT_INDEPENDENT, "bob")
                .router("sym", NatType.SYMMETRIC, "carol")
                .router("rsta", NatType.REJECTING, "dave")
                .router("rstb", NatType.REJECTING, "erin")
                .publicHost("stun")
                .start();
        WatchedProcess onPub = NatProbe.start(lab.pub(), "reflect", REFLECTORS.get(0), REFLECTORS.get(1));
        WatchedProcess onStun = NatProbe.start(lab.host("stun"), "reflect", REFLECTORS.get(2));
        onPub.await("reflecting", WAIT);
        onStun.await("reflecting", WAIT);
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    /** What each reflector saw of one UDP socket on {@code localPort} in {@code host}. */
    private static List<String> observeUdp(String host, int localPort) throws InterruptedException {
        List<String> args = new ArrayList<>(List.of("observe-udp", Integer.toString(localPort)));
        args.addAll(REFLECTORS);
        WatchedProcess probe = NatProbe.start(lab.host(host), args.toArray(String[]::new));
        assertEquals(0, probe.exitCode(WAIT), probe.output());
        List<String> seen = new ArrayList<>();
        for (String reflector : REFLECTORS) {
            seen.add(probe.await("observed " + reflector + " as (\\S+)", WAIT).group(1));
        }
        return seen;
    }

    @Test
    void endpointIndependentNatShowsOneSocketAsOnePublicAddressToEveryDestination() throws InterruptedException {
        List<String> seen = observeUdp("alice", 40000);
        // Same address and port for another port on the same host and for another host; the port is even kept.
        assertEquals(List.of("198.18.0.11:40000", "198.18.0.11:40000", "198.18.0.11:40000"), seen);
    }

    @Test
    void symmetricNatGivesEachDestinationItsOwnPort() throws InterruptedException {
        List<String> seen = observeUdp("carol", 40000);
        Set<String> ports = new LinkedHashSet<>();
        for (String address : seen) {
            assertTrue(address.startsWith("198.18.0.13:"), "translated to the router's address: " + seen);
            ports.add(address.substring(address.indexOf(':') + 1));
        }
        // Random ports: all three equal would happen about once in 4 billion runs.
        assertTrue(ports.size() > 1, "one socket seen on different ports per destination: " + seen);
    }

    @Test
    void nothingUnsolicitedGetsThroughTheNat() throws InterruptedException {
        WatchedProcess listener = NatProbe.start(lab.host("alice"), "listen", "5000");
        listener.await("listening 5000", WAIT);
        // Control: alice's own outbound connections work, so the lab routes.
        WatchedProcess out = NatProbe.start(lab.host("alice"), "connect", "198.18.0.1:3478", "5000");
        assertEquals(0, out.exitCode(WAIT), out.output());
        // From the internet, the router's public address: dropped, so the connect times out.
        WatchedProcess toRouter = NatProbe.start(lab.pub(), "connect", "198.18.0.11:5000", "2000");
        assertEquals(1, toRouter.exitCode(WAIT), toRouter.output());
        toRouter.await("failed .*timed out", WAIT);
        // The private address is not routed on the public segment at all.
        WatchedProcess toPrivate = NatProbe.start(lab.pub(), "connect", "198.19.1.2:5000", "2000");
        assertEquals(1, toPrivate.exitCode(WAIT), toPrivate.output());
        listener.terminate();
        listener.exitCode(WAIT);
        assertFalse(listener.output().contains("accepted"), "the private listener accepted nothing: " + listener.output());
    }

    /**
     * Punches between {@code a} and {@code b} from local port {@code port} to the other's public
     * address and the same port, both started at once, each learning its public address from pub
     * first; waits until both have exited with {@code exit}.
     */
    private static List<WatchedProcess> punchBetween(String a, String b, int port, Duration deadline, int exit)
            throws InterruptedException {
        return punchBetween(a, b, port, deadline, Duration.ZERO, exit);
    }

    /** As above, with {@code b} started {@code late} after {@code a}. */
    private static List<WatchedProcess> punchBetween(String a, String b, int port, Duration deadline, Duration late, int exit)
            throws InterruptedException {
        List<WatchedProcess> both = new ArrayList<>();
        for (String[] pair : new String[][] {{a, b}, {b, a}}) {
            if (!both.isEmpty()) {
                Thread.sleep(late);
            }
            both.add(NatProbe.start(lab.host(pair[0]), "punch", pair[0], Integer.toString(port),
                    lab.host(pair[1]).publicAddress().getHostAddress() + ":" + port, Long.toString(deadline.toMillis()),
                    "1000", "100", REFLECTORS.get(0)));
        }
        for (WatchedProcess p : both) {
            assertEquals(exit, p.exitCode(WAIT), p.output());
        }
        return both;
    }

    @Test
    void tcpSimultaneousOpenConnectsTwoHostsBehindEndpointIndependentNats() throws InterruptedException {
        List<WatchedProcess> both = punchBetween("alice", "bob", 41000, Duration.ofSeconds(20), 0);
        WatchedProcess alice = both.get(0);
        WatchedProcess bob = both.get(1);
        // TCP is mapped like UDP: the signaling connection shows the kept port, while the punch shares it.
        alice.await("public 198\\.18\\.0\\.11:41000$", WAIT);
        bob.await("public 198\\.18\\.0\\.12:41000$", WAIT);
        Matcher a = alice.await("punched attempts=(\\d+) ms=\\d+ local=198\\.19\\.1\\.2:41000 remote=198\\.18\\.0\\.12:41000$", WAIT);
        Matcher b = bob.await("punched attempts=(\\d+) ms=\\d+ local=198\\.19\\.2\\.2:41000 remote=198\\.18\\.0\\.11:41000$", WAIT);
        alice.await("received hello from bob$", WAIT);
        bob.await("received hello from alice$", WAIT);
        System.out.println("simultaneous open: alice took " + a.group(1) + " attempts, bob " + b.group(1));
    }

    @Test
    void tcpSimultaneousOpenFailsWhenOneSideIsBehindASymmetricNat() throws InterruptedException {
        List<WatchedProcess> both = punchBetween("alice", "carol", 42000, Duration.ofSeconds(6), 2);
        both.get(0).await("public 198\\.18\\.0\\.11:42000$", WAIT);
        both.get(1).await("public 198\\.18\\.0\\.13:\\d+$", WAIT);
        for (WatchedProcess p : both) {
            p.await("gave up no connection after \\d+ attempts", WAIT);
        }
    }

    @Test
    void rejectingNatAnswersAnUnsolicitedSynWithRst() throws InterruptedException {
        WatchedProcess toRouter = NatProbe.start(lab.pub(), "connect", "198.18.0.14:5000", "5000");
        assertEquals(1, toRouter.exitCode(WAIT), toRouter.output());
        toRouter.await("failed .*refused", WAIT);
    }

    /**
     * Each side's SYN meets the other's router before the other's SYN left it, is answered with
     * RST, and that RST (the reply to our SYN) also ends our own router's entry: every attempt is
     * refused within a round trip, and during the pause that follows the other side's SYN finds no
     * entry either. Seen every run (about 200 attempts each in 20 s, all refused; 3 s here to keep it short).
     */
    @Test
    void tcpSimultaneousOpenFailsBetweenTwoRejectingNats() throws InterruptedException {
        for (WatchedProcess p : punchBetween("dave", "erin", 43000, Duration.ofSeconds(3), 2)) {
            p.await("gave up no connection after \\d+ attempts; last: java.net.ConnectException: Connection refused", WAIT);
        }
    }

    /**
     * Started 2 s apart, either side first: the EIM router drops the early SYNs silently, so the
     * EIM side's connect stays in flight and the RST side's SYN finds its entry.
     */
    @Test
    void tcpSimultaneousOpenConnectsRejectingAndEndpointIndependentNats() throws InterruptedException {
        punchBetween("dave", "alice", 44000, Duration.ofSeconds(20), Duration.ofSeconds(2), 0);
        punchBetween("bob", "erin", 44100, Duration.ofSeconds(20), Duration.ofSeconds(2), 0);
    }

    @Test
    void tcpSimultaneousOpenFailsBetweenRejectingAndSymmetricNats() throws InterruptedException {
        punchBetween("dave", "carol", 45000, Duration.ofSeconds(3), 2);
    }
}
