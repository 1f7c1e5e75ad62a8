package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.natlab.Commands;
import io.loomtunnel.natlab.LabHost;
import io.loomtunnel.natlab.LabTraffic;
import io.loomtunnel.natlab.NatLab;
import io.loomtunnel.natlab.NatType;
import io.loomtunnel.natlab.WatchedProcess;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.io.TempDir;

/**
 * `loomtunnel server`, `share` and `connect` as processes in the NAT lab (docs/TESTING.md, "NAT
 * lab"): the server on the public segment, peers behind NAT routers. Two hosts behind
 * endpoint-independent NATs get a direct path by simultaneous open, the server having told each
 * the other's public address; a host behind a symmetric NAT falls back to the server's relay;
 * manual signaling through files works from behind a NAT to a public share. TCP and UDP data are
 * checked inside the lab (LabTraffic), TCP by SHA-256.
 */
@ResourceLock(NatLab.LOCK) // one lab at a time; other ITs may run beside it (docs/TESTING.md)
@Timeout(240)
class PeerToPeerLabIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "lab-token-0123456789";
    private static final String SERVER = "198.18.0.1:7835";

    @TempDir
    static Path dir;
    private static NatLab lab;
    private static PeerId serverId;
    private static Path shareKey;
    private static PeerId shareId;
    private static Path bobKey;
    private static Path carolKey;
    private static Path daveKey;
    private static WatchedProcess share;
    private static int echoPort;

    @BeforeAll
    static void start() throws Exception {
        lab = NatLab.builder()
                .router("eima", NatType.ENDPOINT_INDEPENDENT, "alice")
                .router("eimb", NatType.ENDPOINT_INDEPENDENT, "bob")
                .router("sym", NatType.SYMMETRIC, "carol")
                .router("rsta", NatType.REJECTING, "dave")
                .router("rstb", NatType.REJECTING, "erin")
                .publicHost("open")
                .start();
        secret(dir.resolve("tokens.txt"));
        secret(dir.resolve("token.txt"));
        WatchedProcess server = jar(lab.pub(), "server", "--bind", SERVER, "--key", dir.resolve("server.key").toString(),
                "--tokens-file", dir.resolve("tokens.txt").toString());
        serverId = PeerId.parse(server.await("server id\\s+([a-z2-7]{52})", WAIT).group(1));
        shareKey = key("alice");
        shareId = Identity.load(shareKey).id();
        bobKey = key("bob");
        carolKey = key("carol");
        daveKey = key("dave");
        Matcher echo = LabTraffic.start(lab.host("alice"), "echo").await("echo tcp (\\d+) udp (\\d+)", WAIT);
        echoPort = Integer.parseInt(echo.group(1));
        share = jar(lab.host("alice"), withSignal("share", "--key", shareKey.toString(), "--allow", id(bobKey), "--allow", id(carolKey),
                "--allow", id(daveKey),
                "--tcp", "echo=127.0.0.1:" + echo.group(1), "--udp", "dns=127.0.0.1:" + echo.group(2)));
        share.await("registered with the server " + SERVER + ", which sees this share at 198\\.18\\.0\\.11:\\d+", WAIT);
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void hostsBehindEndpointIndependentNatsGetADirectPathThroughTheServersIntroduction() throws Exception {
        LabHost bob = lab.host("bob");
        // The relay only after 12 s: this test is about the direct path, however long the punch takes.
        WatchedProcess tcp = connect(bob, bobKey, "echo", "--relay-after", "12s");
        WatchedProcess udp = connect(bob, bobKey, "dns", "--relay-after", "12s");
        // The share's end, as bob sees it: alice's router's public address, i.e. a connection through both NATs.
        tcp.await("session \\S+ to peer \\w+…: direct 198\\.18\\.0\\.11:\\d+$", WAIT);
        udp.await("session \\S+ to peer \\w+…: direct 198\\.18\\.0\\.11:\\d+$", WAIT);
        share.await("service echo: direct 198\\.18\\.0\\.12:\\d+$", WAIT);
        checkTraffic(bob, tcp, udp);
    }

    @Test
    void aHostBehindASymmetricNatFallsBackToTheRelay() throws Exception {
        LabHost carol = lab.host("carol");
        WatchedProcess tcp = connect(carol, carolKey, "echo");
        WatchedProcess udp = connect(carol, carolKey, "dns");
        tcp.await("session \\S+ to peer \\w+…: relay via " + SERVER + "$", WAIT);
        udp.await("session \\S+ to peer \\w+…: relay via " + SERVER + "$", WAIT);
        checkTraffic(carol, tcp, udp);
    }

    /**
     * NATs that answer unsolicited SYNs with RST (NatType.REJECTING; what NatLabIT shows of them
     * with plain sockets): next to an EIM NAT, either side, the punch still goes direct; behind
     * two of them every attempt is refused within a round trip and the relay carries the session
     * (next to a symmetric NAT too: NatLabIT shows that punch failing with plain sockets).
     */
    @Test
    void rejectingNatsGoDirectNextToEndpointIndependentOnesAndRelayedBetweenThemselves() throws Exception {
        LabHost erin = lab.host("erin");
        Path erinKey = key("erin");
        Matcher echo = LabTraffic.start(erin, "echo").await("echo tcp (\\d+) udp (\\d+)", WAIT);
        WatchedProcess rejecting = jar(erin, withSignal("share", "--key", erinKey.toString(), "--allow", id(daveKey),
                "--allow", id(bobKey), "--tcp", "echo=127.0.0.1:" + echo.group(1)));
        rejecting.await("registered with the server " + SERVER + ", which sees this share at 198\\.18\\.0\\.15:\\d+", WAIT);
        PeerId erinId = Identity.load(erinKey).id();
        // Connect behind RST, share behind EIM (alice's share) and the other way round (erin's).
        WatchedProcess daveToAlice = connectTo(shareId, lab.host("dave"), daveKey, "echo", "--relay-after", "12s");
        WatchedProcess bobToErin = connectTo(erinId, lab.host("bob"), bobKey, "echo", "--relay-after", "12s");
        WatchedProcess daveToErin = connectTo(erinId, lab.host("dave"), daveKey, "echo");
        daveToAlice.await("session \\S+ to peer \\w+…: direct 198\\.18\\.0\\.11:\\d+$", WAIT);
        bobToErin.await("session \\S+ to peer \\w+…: direct 198\\.18\\.0\\.15:\\d+$", WAIT);
        daveToErin.await("session \\S+ to peer \\w+…: relay via " + SERVER + "$", WAIT);
        checkTcp(lab.host("dave"), daveToErin);
    }

    /**
     * PeerToPeerIT's session-limit scenario through the NATs: a share behind alice's EIM router
     * with --max-sessions 20 takes 20 direct sessions from bob (one `connect` process and 19
     * sessions of one LabConnects JVM, four keys), refuses a 21st from dave with the limit's exit
     * code and reason, and while all 20 transfer, the process is killed: the other 19 transfers
     * come back intact and the sessions still run.
     */
    @Test
    void twentyPeersThenTheLimitThenOneKilledWhileTheOthersTransfer() throws Exception {
        Path limitedKey = key("limited");
        PeerId limitedId = Identity.load(limitedKey).id();
        List<Path> keys = new ArrayList<>();
        StringBuilder allowed = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            keys.add(key("many" + i));
            allowed.append(id(keys.get(i))).append(" echo\n");
        }
        allowed.append(id(daveKey)).append(" echo\n");
        Files.writeString(dir.resolve("limited-peers.txt"), allowed);
        WatchedProcess limited = jar(lab.host("alice"), withSignal("share", "--key", limitedKey.toString(),
                "--allow-file", dir.resolve("limited-peers.txt").toString(), "--tcp", "echo=127.0.0.1:" + echoPort,
                "--max-sessions", "20"));
        limited.await("registered with the server " + SERVER, WAIT);
        LabHost bob = lab.host("bob");
        WatchedProcess victim = connectTo(limitedId, bob, keys.get(0), "echo", "--relay-after", "12s");
        victim.await("session \\S+ to peer \\w+…: direct 198\\.18\\.0\\.11:\\d+$", WAIT);
        String victimPort = victim.await("listening on tcp 127\\.0\\.0\\.1:(\\d+)", WAIT).group(1);
        Path go = dir.resolve("go");
        List<String> args = new ArrayList<>(List.of("-Xmx256m", "-cp", testClasses() + ":" + JarProcess.jar(), LabConnects.class.getName(),
                SERVER, serverId.toString(), dir.resolve("token.txt").toString(), limitedId.toString(), "19", go.toString(), victimPort));
        keys.forEach(k -> args.add(k.toString()));
        WatchedProcess many = bob.startJava(Map.of(), args.toArray(String[]::new));
        many.await("connected 19$", WAIT);
        for (int i = 0; i < 19; i++) {
            many.await("session " + i + " direct 198\\.18\\.0\\.11:\\d+$", WAIT);
        }

        WatchedProcess extra = connectTo(limitedId, lab.host("dave"), daveKey, "echo");
        assertEquals(ExitCode.PEER_BUSY, extra.exitCode(WAIT), extra.output());
        assertTrue(extra.output().contains("too many sessions: the share has 20, its limit (--max-sessions 20)"), extra.output());

        Files.writeString(go, "go\n");
        many.await("under way$", WAIT);
        victim.kill();
        assertEquals(0, many.exitCode(WAIT), many.output());
        many.await("after the kill 19 intact$", WAIT);
        limited.await("session \\S+ ended", WAIT);
    }

    @Test
    void manualSignalingThroughFilesFromBehindANatToAPublicShare() throws Exception {
        LabHost open = lab.host("open");
        Matcher echo = LabTraffic.start(open, "echo").await("echo tcp (\\d+) udp (\\d+)", WAIT);
        Path publicKey = key("open");
        Path answer = dir.resolve("answer.txt");
        WatchedProcess connect = jar(lab.host("bob"), "connect", "--key", bobKey.toString(), "--peer", id(publicKey),
                "--service", "echo", "--listen", "127.0.0.1:0", "--answer-file", answer.toString());
        connect.await("-----END LOOMTUNNEL OFFER-----", WAIT);
        Path offer = dir.resolve("offer.txt");
        Files.writeString(offer, connect.output());
        WatchedProcess manual = jar(open, "share", "--key", publicKey.toString(), "--allow", id(bobKey),
                "--tcp", "echo=127.0.0.1:" + echo.group(1), "--offer-file", offer.toString());
        manual.await("-----END LOOMTUNNEL ANSWER-----", WAIT);
        Path partial = dir.resolve("answer.part");
        Files.writeString(partial, manual.output());
        Files.move(partial, answer, StandardCopyOption.ATOMIC_MOVE);
        // bob dials the share's candidate (its public address) through his NAT; the share cannot dial bob.
        connect.await("session \\S+ to peer \\w+…: direct 198\\.18\\.0\\.101:\\d+$", WAIT);
        manual.await("service echo: direct 198\\.18\\.0\\.12:\\d+$", WAIT);
        checkTcp(lab.host("bob"), connect);
    }

    /**
     * Issue 15: connections made while connect has no session are held until one is up, direct
     * and relayed. First as in the issue: carol's (symmetric NAT) client connects as soon as the
     * port listens, before the relay is asked (after 8 s). Then, with no room for chance, between
     * sessions: a second share is stopped, both connects lose their sessions, clients connect
     * (nothing can answer them now), the share starts again, and the new sessions, bob's direct
     * and carol's relayed, carry what the waiting clients sent.
     */
    @Test
    void connectionsMadeBeforeASessionIsUpWaitForItDirectAndRelayed() throws Exception {
        Matcher echo = LabTraffic.start(lab.host("alice"), "echo").await("echo tcp (\\d+) udp (\\d+)", WAIT);
        Path key = key("alice2");
        String[] shareArgs = withSignal("share", "--key", key.toString(), "--allow", id(bobKey), "--allow", id(carolKey),
                "--tcp", "echo=127.0.0.1:" + echo.group(1));
        WatchedProcess second = jar(lab.host("alice"), shareArgs);
        second.await("registered with the server", WAIT);
        PeerId secondId = Identity.load(key).id();
        // The hold lasts the punch timeout: 40 s, so that a loaded machine's slow restarts fit in it.
        WatchedProcess carol = connectTo(secondId, lab.host("carol"), carolKey, "echo", "--relay-after", "8s", "--punch-timeout", "40s");
        int carolPort = Integer.parseInt(carol.await("listening on tcp 127\\.0\\.0\\.1:(\\d+)", WAIT).group(1));
        WatchedProcess first = LabTraffic.start(lab.host("carol"), "held", Integer.toString(carolPort), Integer.toString(1 << 20), "8");
        first.await("connected", WAIT);
        boolean before = !carol.output().contains("relay via");
        carol.await("session \\S+ to peer \\w+…: relay via " + SERVER + "$", WAIT);
        assertEquals(0, first.exitCode(WAIT), first.output());
        System.out.println("the first client connected " + (before ? "before" : "after") + " the relayed session was up");
        WatchedProcess bob = connectTo(secondId, lab.host("bob"), bobKey, "echo", "--relay-after", "12s", "--punch-timeout", "40s");
        bob.await("session \\S+ to peer \\w+…: direct 198\\.18\\.0\\.11:\\d+$", WAIT);
        int bobPort = Integer.parseInt(bob.await("listening on tcp 127\\.0\\.0\\.1:(\\d+)", WAIT).group(1));

        second.terminate();
        second.exitCode(WAIT);
        bob.await("session \\S+ ended", WAIT);
        carol.await("session \\S+ ended", WAIT);
        WatchedProcess bobHeld = LabTraffic.start(lab.host("bob"), "held", Integer.toString(bobPort), Integer.toString(1 << 20), "9");
        WatchedProcess carolHeld = LabTraffic.start(lab.host("carol"), "held", Integer.toString(carolPort), Integer.toString(1 << 20), "10");
        bobHeld.await("connected", WAIT);
        carolHeld.await("connected", WAIT);
        second = jar(lab.host("alice"), shareArgs);
        assertEquals(0, bobHeld.exitCode(WAIT), bobHeld.output() + bob.output());
        assertEquals(0, carolHeld.exitCode(WAIT), carolHeld.output() + carol.output());
        assertEquals(2, count(carol.output(), "relay via " + SERVER), carol.output());
        assertEquals(2, count(bob.output(), ": direct 198.18.0.11:"), bob.output());
        second.terminate();
        bob.terminate();
        carol.terminate();
    }

    /**
     * Issue 15: a relayed session goes direct when a direct path appears. bob's router drops
     * everything to and from alice's router at first (a firewall rule), so bob's session comes up
     * relayed and the first look for a direct path finds none; the rule is lifted, a later look
     * wins, and the session moves: connect prints the new path with the old, the share a direct
     * session from bob, and new streams carry data over it.
     */
    @Test
    void aRelayedSessionMovesToADirectPathOnceOneOpens() throws Exception {
        LabHost bob = lab.host("bob");
        String router = lab.router("eimb").namespace();
        List<List<String>> rules = List.of(List.of("FORWARD", "-s", "198.18.0.11", "-j", "DROP"),
                List.of("FORWARD", "-d", "198.18.0.11", "-j", "DROP"));
        for (List<String> rule : rules) {
            iptables(router, "-I", rule);
        }
        long directBefore = count(share.output(), "service echo: direct 198.18.0.12:");
        WatchedProcess tcp;
        WatchedProcess udp;
        try {
            tcp = connect(bob, bobKey, "echo", "--punch-timeout", "8s", "--admin-bind", "127.0.0.1:0");
            udp = connect(bob, bobKey, "dns", "--punch-timeout", "8s");
            for (WatchedProcess p : List.of(tcp, udp)) {
                p.await("session \\S+ to peer \\w+…: relay via " + SERVER + "$", WAIT);
                p.await("no direct path yet \\(look 1 of 10, the next in 10 s\\)", WAIT);
            }
        } finally {
            for (List<String> rule : rules) {
                iptables(router, "-D", rule);
            }
        }
        for (WatchedProcess p : List.of(tcp, udp)) {
            p.await("session \\S+ to peer \\w+…: direct 198\\.18\\.0\\.11:\\d+ \\(was relay via " + SERVER
                    + "; new streams take the new path\\)$", WAIT);
        }
        Probes.eventually(WAIT, () -> "a direct session on the share:\n" + share.output(),
                () -> count(share.output(), "service echo: direct 198.18.0.12:") > directBefore);
        checkTraffic(bob, tcp, udp);
        // the status JSON says where the session went and that it moved once
        String admin = tcp.await("admin\\s+http://(127\\.0\\.0\\.1:\\d+)/", WAIT).group(1);
        WatchedProcess status = jar(bob, "status", "--admin", admin, "--json");
        assertEquals(0, status.exitCode(WAIT), status.output());
        String json = status.output().replaceAll("\\s", "");
        assertTrue(json.contains("\"path\":\"direct\"") && json.contains("\"pathChanges\":1"), status.output());
        tcp.terminate();
        udp.terminate();
    }

    private static void iptables(String namespace, String action, List<String> rule) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "iptables", "-w", action));
        command.addAll(rule);
        Commands.Result r = Commands.attempt(command);
        assertEquals(0, r.exit(), String.join(" ", command) + ": " + r.output());
    }

    private static long count(String output, String text) {
        return output.lines().filter(l -> l.contains(text)).count();
    }

    private static void checkTraffic(LabHost host, WatchedProcess tcp, WatchedProcess udp) throws Exception {
        checkTcp(host, tcp);
        int udpPort = Integer.parseInt(udp.await("listening on udp 127\\.0\\.0\\.1:(\\d+)", WAIT).group(1));
        WatchedProcess datagrams = LabTraffic.start(host, "udp", Integer.toString(udpPort));
        assertEquals(0, datagrams.exitCode(WAIT), datagrams.output());
    }

    private static void checkTcp(LabHost host, WatchedProcess connect) throws Exception {
        int port = Integer.parseInt(connect.await("listening on tcp 127\\.0\\.0\\.1:(\\d+)", WAIT).group(1));
        WatchedProcess bytes = LabTraffic.start(host, "tcp", Integer.toString(port), Integer.toString(4 << 20), "7");
        assertEquals(0, bytes.exitCode(WAIT), bytes.output());
    }

    private static WatchedProcess connect(LabHost host, Path key, String service, String... extra) {
        return connectTo(shareId, host, key, service, extra);
    }

    private static WatchedProcess connectTo(PeerId peer, LabHost host, Path key, String service, String... extra) {
        List<String> args = new ArrayList<>(List.of("connect", "--key", key.toString(), "--peer", peer.toString(),
                "--service", service, "--listen", "127.0.0.1:0"));
        args.addAll(List.of(extra));
        return jar(host, withSignal(args.toArray(String[]::new)));
    }

    private static String[] withSignal(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--signal", "server", "--server", SERVER, "--server-id", serverId.toString(),
                "--token-file", dir.resolve("token.txt").toString()));
        return all.toArray(String[]::new);
    }

    private static WatchedProcess jar(LabHost host, String... args) {
        List<String> all = new ArrayList<>(List.of("-Xmx128m", "-jar", JarProcess.jar()));
        all.addAll(List.of(args));
        return host.startJava(Map.of(), all.toArray(String[]::new));
    }

    private static String testClasses() throws URISyntaxException {
        return Path.of(LabConnects.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static String id(Path key) throws IOException {
        return Identity.load(key).id().toString();
    }

    private static Path key(String name) throws IOException {
        Identity.generate().save(dir.resolve(name + ".key"));
        return dir.resolve(name + ".key");
    }

    private static void secret(Path file) throws IOException {
        Files.writeString(file, TOKEN + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
}
