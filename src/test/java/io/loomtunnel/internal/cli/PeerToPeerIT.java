package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.loomtunnel.internal.signal.Answer;
import io.loomtunnel.internal.signal.Armor;
import io.loomtunnel.internal.signal.BlockKind;
import io.loomtunnel.internal.signal.BlockScanner;
import io.loomtunnel.internal.signal.Blocks;
import io.loomtunnel.internal.signal.ConnectSignaling;
import io.loomtunnel.internal.signal.Offer;
import io.loomtunnel.internal.signal.SignalException;
import io.loomtunnel.internal.signal.SignedBlock;
import io.loomtunnel.internal.signal.SignedBlocks;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.p2p.ConnectEvents;
import io.loomtunnel.p2p.ConnectPeer;
import io.loomtunnel.p2p.ConnectSettings;
import io.loomtunnel.p2p.PathSettings;
import io.loomtunnel.p2p.PeerSession;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `loomtunnel share` and `loomtunnel connect` as real processes on 127.0.0.1 with manual
 * signaling: offers and answers pass through files and standard input, data is SHA-256 checked,
 * and every refusal is printed by the side that has to act on it, with its exit code.
 */
@Timeout(240)
class PeerToPeerIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final String LOOPBACK_PATH = "--bind=127.0.0.1:0";
    private static final PathSettings LOOPBACK = new PathSettings(new InetSocketAddress("127.0.0.1", 0), List.of(), Duration.ofSeconds(30));

    @TempDir
    Path dir;
    private final int[] tcpPort = new int[1];
    private final int[] udpPort = new int[1];
    private Closeable tcpEcho;
    private Closeable udpEcho;
    private final List<JarProcess> processes = new ArrayList<>();

    @BeforeEach
    void services() throws IOException {
        tcpEcho = EchoServers.tcp(tcpPort);
        udpEcho = EchoServers.udp(udpPort);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (JarProcess p : processes) {
            p.close();
        }
        tcpEcho.close();
        udpEcho.close();
    }

    @Test
    void manualSignalingThroughFilesCarriesTcpAndUdp() throws Exception {
        Path shareKey = key("share");
        Path tcpKey = key("laptop");
        PeerId shareId = Identity.load(shareKey).id();
        JarProcess tcp = connect(tcpKey, shareId, "echo", "--answer-file", dir.resolve("answer-tcp.txt").toString(),
                "--admin-bind", "127.0.0.1:0");
        JarProcess udp = connect(tcpKey, shareId, "dns", "--answer-file", dir.resolve("answer-udp.txt").toString());
        offerOf(tcp);
        offerOf(udp);
        Files.writeString(dir.resolve("offer-tcp.txt"), String.join("\n", tcp.lines())); // with the lines around the block
        Files.writeString(dir.resolve("offer-udp.txt"), String.join("\n", udp.lines()));
        JarProcess share = share(false, shareKey, "--allow", Identity.load(tcpKey).id().toString(),
                "--offer-file", dir.resolve("offer-tcp.txt").toString(), "--offer-file", dir.resolve("offer-udp.txt").toString(),
                "--admin-bind", "127.0.0.1:0");
        saveAnswer(share, sessionOf(tcp), dir.resolve("answer-tcp.txt"));
        saveAnswer(share, sessionOf(udp), dir.resolve("answer-udp.txt"));

        assertTrue(tcp.await("session \\S+ to peer \\w+…: (.+)", START).group(1).matches("direct 127\\.0\\.0\\.1:\\d+"));
        int tcpLocal = Integer.parseInt(tcp.await("listening on tcp 127\\.0\\.0\\.1:(\\d+) for service echo", START).group(1));
        byte[] data = new byte[4 << 20];
        new Random(7).nextBytes(data);
        assertArrayEquals(sha256(data), sha256(Probes.roundTrip(tcpLocal, data)), "4 MiB there and back");

        udp.await("session \\S+ to peer \\w+…: direct 127\\.0\\.0\\.1:\\d+", START);
        int udpLocal = Integer.parseInt(udp.await("listening on udp 127\\.0\\.0\\.1:(\\d+) for service dns", START).group(1));
        try (DatagramSocket app = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            app.setSoTimeout(1000);
            Probes.eventually(Duration.ofSeconds(20), "a first datagram came back through the peer session", () -> {
                Probes.send(app, udpLocal, "first");
                return Probes.receive(app).equals("echo:first");
            });
            for (int i = 0; i < 20; i++) {
                Probes.send(app, udpLocal, "datagram " + i);
                assertEquals("echo:datagram " + i, Probes.receive(app));
            }
        }
        share.await("session \\S+ peer \\w+… service echo: direct 127\\.0\\.0\\.1:\\d+", START);
        statusShowsThePeerToPeerSessions(share, tcp, sessionOf(tcp), sessionOf(udp), data.length);

        share.terminate();
        assertEquals(ExitCode.OK, share.exitCode(START));
        assertEquals(ExitCode.CONNECTION_LOST, tcp.exitCode(START));
        assertTrue(tcp.output().contains("the session ended"), tcp.output());
        assertEquals(ExitCode.CONNECTION_LOST, udp.exitCode(START));
    }

    /**
     * Issue 12: share and connect take --admin-bind, and status and console show their sessions:
     * peer, service, path, RTT, uptime, streams, bytes (the table), the path and counts in the JSON too.
     */
    private static void statusShowsThePeerToPeerSessions(JarProcess share, JarProcess tcp, String tcpSession, String udpSession,
                                                         long bytes) throws Exception {
        String connectAdmin = tcp.await("admin\\s+http://(127\\.0\\.0\\.1:\\d+)/", START).group(1);
        String shareAdmin = share.await("admin\\s+http://(127\\.0\\.0\\.1:\\d+)/", START).group(1);
        String row = " +\\w+ +%s +direct 127\\.0\\.0\\.1:\\d+ +(\\d[.\\d]* ms|-) +\\S+ +\\d+ +%s +%s\\n";
        String mb = "4\\.2 MB"; // 4 MiB each way
        Probes.eventually(START, "the connect's status counted the 4 MiB", () -> {
            CliIT.Run run = CliIT.loomtunnel("status", "--admin", connectAdmin);
            assertEquals(0, run.exit(), run.err());
            assertTrue(run.out().startsWith("connect loomtunnel/"), run.out());
            return run.out().matches("(?s).*\\nSESSION +PEER +SERVICE +PATH +RTT +UP +STREAMS +BYTES IN +BYTES OUT\\n"
                    + Pattern.quote(tcpSession) + String.format(row, "echo", mb, mb) + ".*");
        });
        CliIT.Run table = CliIT.loomtunnel("status", "--admin", shareAdmin);
        assertEquals(0, table.exit(), table.err());
        assertTrue(table.out().startsWith("share loomtunnel/"), table.out());
        assertTrue(table.out().matches("(?s).*\\n" + Pattern.quote(tcpSession) + String.format(row, "echo", mb, mb) + ".*"), table.out());
        assertTrue(table.out().matches("(?s).*\\n" + Pattern.quote(udpSession) + String.format(row, "dns", "[.\\d]+ K?B", "[.\\d]+ K?B") + ".*"),
                table.out());
        try (JarProcess console = JarProcess.startWithInput("sessions\nquit\n", Map.of("TERM", "dumb"), "console", "--admin",
                connectAdmin)) {
            assertEquals(0, console.exitCode(START), console.output());
            assertTrue(console.output().matches("(?s).*\\n(loomtunnel> )?" + Pattern.quote(tcpSession)
                    + String.format(row, "echo", mb, mb) + ".*"), console.output());
        }
        CliIT.Run json = CliIT.loomtunnel("status", "--admin", shareAdmin, "--json");
        assertEquals(0, json.exit(), json.err());
        JsonNode status = JsonMapper.builder().build().readTree(json.out());
        assertEquals("share", status.get("role").asText());
        assertEquals(2, status.get("sessions").size(), json.out());
        for (JsonNode s : status.get("sessions")) {
            assertEquals("direct", s.get("path").asText(), json.out());
            assertTrue(s.get("address").asText().matches("127\\.0\\.0\\.1:\\d+"), json.out());
            if (s.get("id").asText().equals(tcpSession)) {
                assertEquals(bytes, s.at("/tunnels/0/bytesIn").asLong(), json.out());
                assertEquals(bytes, s.at("/tunnels/0/bytesOut").asLong(), json.out());
            }
        }
    }

    /** Issue 12: the stop handler raced the session thread, so Ctrl-C exited 11 about half the time. */
    @Test
    void connectStoppedWithSigintExitsZeroEveryTime() throws Exception {
        Path shareKey = key("share");
        Path laptopKey = key("laptop");
        PeerId shareId = Identity.load(shareKey).id();
        JarProcess sharing = share(true, shareKey, "--allow", Identity.load(laptopKey).id().toString());
        for (int i = 0; i < 5; i++) {
            Path answer = dir.resolve("answer-" + i + ".txt");
            JarProcess c = connect(laptopKey, shareId, "echo", "--answer-file", answer.toString());
            sharing.type(offerOf(c));
            saveAnswer(sharing, sessionOf(c), answer);
            c.await("listening on tcp 127\\.0\\.0\\.1:\\d+ for service echo", START);
            c.await("session \\S+ to peer \\w+…: direct", START);
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(c.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor());
            assertEquals(ExitCode.OK, c.exitCode(START), "stop " + i + ":\n" + c.output());
            assertTrue(!c.output().contains("the session ended"), "stop " + i + ":\n" + c.output());
            assertTrue(c.output().endsWith("stopped"), "stop " + i + ":\n" + c.output());
            assertTrue(!c.output().contains("@/"), "addresses as written, not InetSocketAddress.toString: " + c.output());
        }
    }

    @Test
    void twentyPeersThenTheLimitThenOneKilledWhileTheOthersTransfer() throws Exception {
        int processPeers = 4;
        int libraryKeys = 8; // two sessions each
        Path shareKey = key("share");
        PeerId shareId = Identity.load(shareKey).id();
        List<Path> processKeys = new ArrayList<>();
        for (int i = 0; i <= processPeers; i++) {
            processKeys.add(key("process-" + i)); // the last one comes when the share is full
        }
        List<Identity> libraryIds = new ArrayList<>();
        for (int i = 0; i < libraryKeys; i++) {
            libraryIds.add(Identity.generate());
        }
        StringBuilder allowed = new StringBuilder("# test peers\n");
        for (Path k : processKeys) {
            allowed.append(Identity.load(k).id()).append(" echo\n");
        }
        libraryIds.forEach(id -> allowed.append(id.id()).append('\n'));
        Files.writeString(dir.resolve("peers.txt"), allowed);
        JarProcess share = share(true, shareKey, "--allow-file", dir.resolve("peers.txt").toString(), "--max-sessions", "20");

        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<Integer>> ports = new ArrayList<>();
        List<JarProcess> connects = new ArrayList<>();
        List<ConnectPeer> libraryPeers = new ArrayList<>();
        for (int i = 0; i < processPeers; i++) {
            JarProcess c = connect(processKeys.get(i), shareId, "echo", "--answer-file", dir.resolve("answer-" + i + ".txt").toString());
            connects.add(c);
            Path answer = dir.resolve("answer-" + i + ".txt");
            ports.add(pool.submit(() -> {
                share.type(offerOf(c));
                saveAnswer(share, sessionOf(c), answer);
                c.await("session \\S+ to peer \\w+…: direct", START);
                return Integer.parseInt(c.await("listening on tcp 127\\.0\\.0\\.1:(\\d+)", START).group(1));
            }));
        }
        for (int i = 0; i < 2 * libraryKeys; i++) {
            ConnectPeer peer = ConnectPeer.create(ConnectSettings.builder(libraryIds.get(i % libraryKeys), shareId, "echo",
                    new InetSocketAddress("127.0.0.1", 0)).path(LOOPBACK).build(), ConnectEvents.NONE);
            libraryPeers.add(peer);
            ports.add(pool.submit(() -> {
                PeerSession s = peer.connect(throughStdinOf(share));
                assertTrue(s.path().startsWith("direct 127.0.0.1:"), s.path());
                return peer.localAddress().getPort();
            }));
        }
        List<Integer> local = new ArrayList<>();
        for (Future<Integer> f : ports) {
            local.add(f.get());
        }
        assertEquals(20, local.size());

        JarProcess extra = connect(processKeys.get(processPeers), shareId, "echo", "--answer-file", dir.resolve("answer-extra.txt").toString());
        share.type(offerOf(extra));
        saveAnswer(share, sessionOf(extra), dir.resolve("answer-extra.txt"));
        assertEquals(ExitCode.PEER_BUSY, extra.exitCode(START));
        assertTrue(extra.output().contains("too many sessions: the share has 20, its limit (--max-sessions 20)"), extra.output());

        // Every session transfers at once, slowly; one peer is killed in the middle.
        List<Future<Boolean>> transfers = new ArrayList<>();
        CountDownLatch underWay = new CountDownLatch(local.size());
        for (int port : local) {
            transfers.add(pool.submit(() -> Probes.slowEchoIntact(port, 2 << 20, underWay)));
        }
        assertTrue(underWay.await(60, TimeUnit.SECONDS), "every transfer started");
        connects.get(0).kill();
        for (int i = 1; i < transfers.size(); i++) {
            assertTrue(transfers.get(i).get(), "transfer " + i + " came back intact");
        }
        share.await("session \\S+ ended", START);
        byte[] after = "after the kill".getBytes(StandardCharsets.UTF_8);
        for (int i = 1; i < local.size(); i++) {
            assertArrayEquals(after, Probes.roundTrip(local.get(i), after), "session " + i + " still runs");
        }
        libraryPeers.forEach(ConnectPeer::close);
        pool.shutdownNow();
    }

    @Test
    void refusalsAndBadBlocksArePrintedWithTheirExitCodes() throws Exception {
        Path shareKey = key("share");
        Identity share = Identity.load(shareKey);
        Path allowedKey = key("allowed");
        Identity allowed = Identity.load(allowedKey);
        Path strangerKey = key("stranger");
        Files.writeString(dir.resolve("peers.txt"), allowed.id() + "  echo\n");
        String peers = dir.resolve("peers.txt").toString();

        // Offers a share cannot use: it says why and, with nothing left to serve, exits with the code.
        String fresh = Blocks.armoredOffer(allowed, share, Instant.now(), 600);
        String truncated = fresh.substring(0, fresh.indexOf("-----END"));
        String forged = Armor.encode(new SignedBlock(BlockKind.OFFER, Blocks.edited(Armor.decode(fresh).payload(), "\"echo\"", "\"ssh\"")));
        String expired = Blocks.armoredOffer(allowed, share, Instant.now().minusSeconds(300), 60);
        JarProcess bad = share(false, shareKey, "--allow-file", peers,
                "--offer-file", write("truncated.txt", truncated), "--offer-file", write("forged.txt", forged));
        JarProcess old = share(false, shareKey, "--allow-file", peers, "--offer-file", write("expired.txt", expired));
        JarProcess twice = share(false, shareKey, "--allow-file", peers, "--answer-ttl", "1s", "--punch-timeout", "1s",
                "--offer-file", write("fresh.txt", fresh), "--offer-file", dir.resolve("fresh.txt").toString());

        JarProcess serverMode = share(false, shareKey, "--allow-file", peers, "--signal", "server");
        JarProcess sharing = share(true, shareKey, "--allow-file", peers);
        JarProcess stranger = JarProcess.interactive(Map.of(), "connect", "--key", strangerKey.toString(), "--peer",
                share.id().toString(), "--service", "echo", "--listen", "127.0.0.1:0", LOOPBACK_PATH);
        processes.add(stranger);
        JarProcess wrongService = connect(allowedKey, share.id(), "dns", "--answer-file", dir.resolve("answer-dns.txt").toString());
        JarProcess replayed = connect(allowedKey, share.id(), "echo", "--answer-file", dir.resolve("old.txt").toString());
        JarProcess damaged = connect(allowedKey, share.id(), "echo", "--answer-file", dir.resolve("damaged.txt").toString());

        // Not allowed: the answer, pasted back quoted like a mail reply, carries the refusal.
        sharing.type(offerOf(stranger));
        stranger.type(answerFor(sharing, sessionOf(stranger)).lines().map(l -> "> " + l + "\n").reduce("", String::concat));
        assertEquals(ExitCode.AUTH_REFUSED, stranger.exitCode(START));
        assertTrue(stranger.output().contains("refused the session: peer " + Identity.load(strangerKey).id() + " is not allowed"),
                stranger.output());

        // Allowed, but not to this service.
        sharing.type(offerOf(wrongService));
        String dnsAnswer = answerFor(sharing, sessionOf(wrongService));
        Files.writeString(dir.resolve("answer-dns.txt"), dnsAnswer);
        assertEquals(ExitCode.SERVICE_REFUSED, wrongService.exitCode(START));
        assertTrue(wrongService.output().contains("service 'dns' is not offered to peer"), wrongService.output());

        // An old answer (another session's), then a damaged one: each said at once, and the watch
        // goes on, so the file can be put right (issue 12).
        Files.writeString(dir.resolve("old.txt"), dnsAnswer);
        replayed.await("old.txt: the answer is for session \\S+, not this offer's .*an old answer.*; waiting for a usable answer"
                + " there until \\d\\d:\\d\\d:\\d\\d", START);
        sharing.type(offerOf(replayed));
        saveAnswer(sharing, sessionOf(replayed), dir.resolve("old.txt"));
        replayed.await("session \\S+ to peer \\w+…: direct", START);
        sharing.type(offerOf(damaged));
        String good = answerFor(sharing, sessionOf(damaged));
        Files.writeString(dir.resolve("damaged.txt"), Blocks.flipBodyCharacter(good));
        damaged.await("damaged.txt: .*checksum mismatch.*; waiting for a usable answer there", START);
        Files.writeString(dir.resolve("damaged.txt"), good);
        damaged.await("session \\S+ to peer \\w+…: direct", START);

        assertEquals(ExitCode.BAD_BLOCK, bad.exitCode(START));
        assertTrue(bad.output().contains("offer refused: " + dir.resolve("truncated.txt") + ": an offer block was cut off"), bad.output());
        assertTrue(bad.output().contains("signature does not verify: the block was altered after it was signed"), bad.output());
        assertEquals(ExitCode.BLOCK_EXPIRED, old.exitCode(START));
        assertTrue(old.output().matches("(?s).*offer refused: .*expired.txt: offer from \\w+… expired \\d+ s ago.*"), old.output());
        assertEquals(ExitCode.BLOCK_REPLAYED, twice.exitCode(START));
        assertTrue(twice.output().contains("was used before: a block may be used once"), twice.output());
        assertTrue(twice.output().contains("never connected"), twice.output());
        assertEquals(ExitCode.USAGE, serverMode.exitCode(START));
        assertEquals("loomtunnel share: --signal server needs --server HOST:PORT and --server-id ID; see 'loomtunnel share --help'",
                serverMode.output().strip());
    }

    /**
     * Issue 12: an answer file that cannot be used made connect wait silently until the offer
     * expired. Each content is now said at once in one line, the watch goes on (the file can be
     * put right), and the offer's expiry ends it with 23, naming the last problem.
     */
    @Test
    void anUnusableAnswerFileIsSaidAtOnceAndTheWatchGoesOnUntilTheOfferExpires() throws Exception {
        Identity share = Identity.load(key("share")); // no share runs: the test answers in its name
        Path laptopKey = key("laptop");
        Identity laptop = Identity.load(laptopKey);
        Path file = dir.resolve("answer.txt");
        Files.writeString(file, "hello, this is not an answer\n");
        JarProcess c = connect(laptopKey, share.id(), "echo", "--answer-file", file.toString(), "--offer-ttl", "20s");
        String session = sessionOf(c);
        String waiting = "; waiting for a usable answer there until \\d\\d:\\d\\d:\\d\\d, when the offer expires$";
        c.await("^" + Pattern.quote(file + ": no answer block there (no '-----BEGIN LOOMTUNNEL ANSWER-----' line)")
                + waiting, START);

        String right = answer(share, laptop, session);
        Files.writeString(file, right.substring(0, right.indexOf("-----END")));
        c.await("^" + Pattern.quote(file + ": the answer block there has no END line") + ".*" + waiting, START);
        Files.writeString(file, answer(share, laptop, "AAAAAAAAAAAAAAAAAAAAAA"));
        c.await("^" + Pattern.quote(file + ": the answer is for session AAAAAAAAAAAAAAAAAAAAAA") + ".*" + waiting, START);
        Files.writeString(file, Armor.encode(new SignedBlock(BlockKind.ANSWER,
                Blocks.edited(Armor.decode(right).payload(), "127.0.0.1:9", "127.0.0.1:8"))));
        c.await("^" + Pattern.quote(file + ": ") + ".*signature does not verify.*" + waiting, START);

        assertEquals(ExitCode.BLOCK_EXPIRED, c.exitCode(START), c.output());
        assertTrue(c.lines().getLast().matches("loomtunnel: no usable answer in .*answer\\.txt before the offer expired"
                + " \\(the last one there: .*signature does not verify.*\\)"), c.output());
    }

    /** An accepting answer from {@code share} to {@code laptop}'s offer of session {@code session}, armored. */
    private static String answer(Identity share, Identity laptop, String session) {
        long now = Instant.now().getEpochSecond();
        return Armor.encode(SignedBlocks.seal(share, new Answer(share.id().value(), SignedBlocks.keyOf(share), laptop.id().value(),
                session, "echo", "tcp", List.of("127.0.0.1:9"), now, now + 600, null, null)));
    }

    // ---- processes ----

    private JarProcess share(boolean stdin, Path key, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("share", "--key", key.toString(), LOOPBACK_PATH,
                "--tcp", "echo=127.0.0.1:" + tcpPort[0], "--udp", "dns=127.0.0.1:" + udpPort[0]));
        args.addAll(List.of(extra));
        JarProcess p = stdin ? JarProcess.interactive(Map.of(), args.toArray(String[]::new))
                : JarProcess.start(Map.of(), args.toArray(String[]::new));
        processes.add(p);
        return p;
    }

    private JarProcess connect(Path key, PeerId share, String service, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("connect", "--key", key.toString(), "--peer", share.toString(),
                "--service", service, "--listen", "127.0.0.1:0", LOOPBACK_PATH));
        args.addAll(List.of(extra));
        JarProcess p = JarProcess.start(Map.of(), args.toArray(String[]::new));
        processes.add(p);
        return p;
    }

    private Path key(String name) throws IOException {
        Path file = dir.resolve(name + ".key");
        Identity.generate().save(file);
        return file;
    }

    private String write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
        return dir.resolve(name).toString();
    }

    // ---- blocks in process output ----

    /** The offer block a connect process printed, once it has. */
    private static String offerOf(JarProcess connect) throws Exception {
        connect.await("-----END LOOMTUNNEL OFFER-----", START);
        return Armor.encode(blocks(connect.lines(), BlockKind.OFFER).get(0));
    }

    private static String sessionOf(JarProcess connect) throws Exception {
        return SignedBlocks.open(Armor.decode(offerOf(connect)), BlockKind.OFFER, Offer.class).session();
    }

    /** Waits for the share to print the answer to session {@code sessionId}. */
    private static String answerFor(JarProcess share, String sessionId) throws Exception {
        SignedBlock[] found = new SignedBlock[1];
        Probes.eventually(START, () -> "no answer for session " + sessionId + " in:\n" + share.output(), () -> {
            for (SignedBlock b : blocks(share.lines(), BlockKind.ANSWER)) {
                if (SignedBlocks.open(b, BlockKind.ANSWER, Answer.class).session().equals(sessionId)) {
                    found[0] = b;
                    return true;
                }
            }
            return false;
        });
        return Armor.encode(found[0]);
    }

    /** Saves the answer as a user would: written elsewhere, then moved into place. */
    private void saveAnswer(JarProcess share, String sessionId, Path file) throws Exception {
        Path partial = Files.createTempFile(dir, "answer", ".part");
        Files.writeString(partial, answerFor(share, sessionId));
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<SignedBlock> blocks(List<String> lines, BlockKind kind) throws SignalException {
        BlockScanner scanner = new BlockScanner();
        List<SignedBlock> out = new ArrayList<>();
        for (String line : lines) {
            SignedBlock b = scanner.feed(line);
            if (b != null && b.kind() == kind) {
                out.add(b);
            }
        }
        return out;
    }

    /** Library peers signal through the share process: the offer typed into its input, the answer read from its output. */
    private static ConnectSignaling throughStdinOf(JarProcess share) {
        return (offer, deadline) -> {
            share.type(Armor.encode(offer));
            String session = SignedBlocks.open(offer, BlockKind.OFFER, Offer.class).session();
            try {
                return Armor.decode(answerFor(share, session));
            } catch (Exception e) {
                throw new IOException(e);
            }
        };
    }

    // ---- data ----

    /**
     * Sends {@code size} random bytes in small paced chunks through the echo service; true if the
     * SHA-256 of what came back matches. Counts {@code underWay} down once the first chunk is sent.
     */
    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
