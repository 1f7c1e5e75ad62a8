package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.config.AllowFile;
import io.loomtunnel.internal.path.Candidates;
import io.loomtunnel.internal.rendezvous.RendezvousDialer;
import io.loomtunnel.internal.rendezvous.ServerRelayedShareSignaling;
import io.loomtunnel.internal.rendezvous.ServerShareSignaling;
import io.loomtunnel.internal.signal.ManualShareSignaling;
import io.loomtunnel.observe.LogRing;
import io.loomtunnel.p2p.AllowList;
import io.loomtunnel.p2p.SharePeer;
import io.loomtunnel.p2p.ShareSettings;
import io.loomtunnel.p2p.SharedService;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tunnel.TunnelType;
import java.io.BufferedReader;
import io.loomtunnel.internal.nostr.RelayPool;
import io.loomtunnel.internal.signal.NostrShareSignaling;
import io.loomtunnel.internal.signal.ShareSignaling;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loomtunnel share}: offer local services to allowed peers; a thin layer over {@link SharePeer}. */
@Command(name = "share", mixinStandardHelpOptions = true,
        description = "Offer local TCP/UDP services to allowed peers over peer-to-peer TLS sessions.",
        footer = {"",
                "Examples:",
                "  loomtunnel share --key share.key --allow ID --tcp ssh=127.0.0.1:22",
                "  loomtunnel share --key share.key --allow-file peers.txt \\",
                "      --tcp web=127.0.0.1:3000 --udp dns=127.0.0.1:53 \\",
                "      --offer-file offer.txt --max-sessions 16",
                "  loomtunnel share --key share.key --allow ID --tcp ssh=127.0.0.1:22 \\",
                "      --signal server --server tunnel.example.org:7835 --server-id ID \\",
                "      --token-file token.txt",
                "  loomtunnel share --key share.key --allow ID --tcp ssh=127.0.0.1:22 \\",
                "      --signal nostr --relay wss://relay.example.org",
                "",
                "Manual signaling: offers are read one after another from standard input (or"
                + " --offer-file); each answer is printed for the connecting side. When no more"
                + " offers can come and every session has ended, share exits: 0, or 22/23/24 when"
                + " the last unusable offer was bad/expired/replayed (docs/P2P.md).",
                "Server signaling: share registers with the server (only the peers it allows"
                + " can find it there), answers the offers it forwards, and runs until stopped,"
                + " registering again if the server is lost.",
                "Nostr signaling: share answers, through the --relay relays, the peers that know"
                + " its id; offers and answers are end-to-end encrypted, the relays store nothing"
                + " (docs/P2P.md, \"Nostr signaling\").",
                "--admin-bind 127.0.0.1:9090 serves the sessions, their paths and counts to"
                + " `loomtunnel status` and `console` (docs/P2P.md, \"Status\"), and the dashboard"
                + " at http://127.0.0.1:9090/ (docs/DASHBOARD.md).",
                "SIGINT/SIGTERM: close every session, then exit 0."})
final class ShareCommand implements Callable<Integer> {
    @Mixin
    PeerOptions peer;

    @Mixin
    ObserveOptions observe;

    @Option(names = "--allow", paramLabel = "ID", description = "A peer id allowed to connect, to every service (repeatable).")
    List<String> allow = new ArrayList<>();

    @Option(names = "--allow-file", paramLabel = "FILE",
            description = "Allowed peers: one id a line, optionally followed by the services it may reach (a,b).")
    Path allowFile;

    @Option(names = "--tcp", paramLabel = "NAME=HOST:PORT", description = "Share a local TCP service (repeatable).")
    List<String> tcp = new ArrayList<>();

    @Option(names = "--udp", paramLabel = "NAME=HOST:PORT", description = "Share a local UDP service (repeatable).")
    List<String> udp = new ArrayList<>();

    @Option(names = "--max-sessions", paramLabel = "N", description = "Sessions at once, answered or running (default 64); more are refused.")
    int maxSessions = ShareSettings.DEFAULT_MAX_SESSIONS;

    @Option(names = "--offer-file", paramLabel = "FILE",
            description = "Read offers from FILE instead of standard input (repeatable, read in turn; - is standard input).")
    List<String> offerFiles = new ArrayList<>();

    @Option(names = "--answer-ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long an answer stays valid (default 10m).")
    Duration answerTtl = ShareSettings.DEFAULT_ANSWER_LIFETIME;

    private final LogRing logs = new LogRing();

    @Override
    public Integer call() throws Exception {
        Identity identity = peer.identity();
        RendezvousDialer server = peer.rendezvous(identity);
        boolean nostr = peer.signal.equals("nostr");
        if ((server != null || nostr) && !offerFiles.isEmpty()) {
            throw new UsageException("--offer-file goes with --signal manual");
        }
        ShareSettings settings = settings(identity);
        boolean manual = server == null && !nostr;
        List<ManualShareSignaling.Source> sources = manual ? sources() : List.of();
        RelayPool relays = peer.nostr();
        SharePrinter printer = new SharePrinter(System.out, System.err, manual, nostr, logs);
        SharePeer share;
        try {
            share = SharePeer.start(settings, printer);
        } catch (BindException e) {
            if (relays != null) {
                relays.close();
            }
            throw new UsageException(e.getMessage());
        }
        System.out.println("share id    " + share.id());
        if (share.adminAddress() != null) {
            System.out.println(ObserveOptions.adminLine(share.adminAddress()));
        }
        System.out.println("punch port  " + FlagValue.address(share.punchAddress()) + " (candidates "
                + (share.candidates().isEmpty() ? "none: relay only" : String.join(", ", Candidates.texts(share.candidates()))) + ")");
        settings.services().values().forEach(s ->
                System.out.println("service     " + s.name() + " " + s.type().wireName() + " -> " + s.targetText()));
        System.out.println("allowed     " + settings.allowed().peers().size() + " peer(s); at most " + maxSessions + " sessions");
        ShareSignaling viaServer = null; // server or Nostr signaling; both are Closeable
        ServerShareSignaling directory = null;
        if (server != null) {
            try {
                directory = new ServerShareSignaling(server, share.punchAddress(), settings.allowed().peers().keySet(), printer);
            } catch (IllegalArgumentException e) {
                share.close();
                if (relays != null) {
                    relays.close();
                }
                throw new UsageException(e.getMessage());
            }
        }
        if (relays != null) {
            NostrShareSignaling nostrSignaling = new NostrShareSignaling(identity, relays, () -> System.out.println("ready for connecting peers"));
            viaServer = directory == null ? nostrSignaling : new ServerRelayedShareSignaling(nostrSignaling, directory);
            System.out.println("signal      nostr " + String.join(" ", peer.relays)
                    + (directory != null ? " (relay fallback via the server " + server.via() + ")" : ""));
        } else if (server != null) {
            viaServer = directory;
            System.out.println("signal      server " + server.via() + " (id " + server.serverId().abbreviated() + "…)");
        } else {
            System.out.println("ready for offers" + (offerFiles.isEmpty() ? " (paste them here)" : ""));
        }

        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        ShareSignaling signaling = viaServer;
        StopSignals.onStop(() -> {
            closeQuietly(signaling);
            share.close();
            done.countDown();
        });
        OwnedThreads threads = new OwnedThreads("share command");
        threads.start("offers", () -> {
            try {
                if (signaling != null) {
                    share.serve(signaling); // until stopped
                } else {
                    serveManually(share, sources);
                }
            } catch (IOException | InterruptedException e) {
                failure.set(e);
            } finally {
                done.countDown();
            }
        });
        done.await();
        closeQuietly(signaling);
        share.close();
        threads.close(ConnectCommand.STDIN_GRACE); // an offer reader on standard input ends with the process
        Exception failed = failure.get();
        if (failed != null) {
            System.err.println("loomtunnel: " + (failed.getMessage() == null ? failed.getClass().getSimpleName() : failed.getMessage()));
            return PeerExits.of(failed);
        }
        return printer.exitCode();
    }

    private static void closeQuietly(ShareSignaling signaling) {
        if (signaling instanceof Closeable c) {
            try {
                c.close();
            } catch (IOException e) {
                // ours close without failing
            }
        }
    }

    /** Answers the offers read from {@code sources}, then serves the sessions until they have all ended. */
    private static void serveManually(SharePeer share, List<ManualShareSignaling.Source> sources)
            throws IOException, InterruptedException {
        share.serve(new ManualShareSignaling(sources, System.out));
        int sessions = share.sessionCount();
        System.out.println("no more offers to read; " + (sessions == 0 ? "no sessions, exiting"
                : "serving " + sessions + " session(s) until they end"));
        while (!share.awaitNoSessions(Duration.ofHours(1))) {
            // sessions may run for days
        }
    }

    private ShareSettings settings(Identity identity) throws IOException {
        try {
            ShareSettings.Builder b = ShareSettings.builder(identity)
                    .maxSessions(maxSessions)
                    .path(peer.path())
                    .answerLifetime(answerTtl);
            observe.applyWithEnvironment(b.observe().logs(logs));
            tcp.forEach(t -> b.service(FlagValue.parse("--tcp", t, text -> SharedService.parse(text, TunnelType.TCP))));
            udp.forEach(t -> b.service(FlagValue.parse("--udp", t, text -> SharedService.parse(text, TunnelType.UDP))));
            AllowList allowed = AllowList.none();
            for (String id : allow) {
                allowed = allowed.with(FlagValue.parse("--allow", id, PeerId::parse));
            }
            if (allowFile != null) {
                allowed = allowed.plus(AllowFile.read(allowFile));
            }
            return b.allow(allowed).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private List<ManualShareSignaling.Source> sources() {
        List<ManualShareSignaling.Source> out = new ArrayList<>();
        for (String name : offerFiles.isEmpty() ? List.of("-") : offerFiles) {
            if (name.equals("-")) {
                out.add(ManualShareSignaling.source("", () ->
                        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))));
            } else {
                Path file = Path.of(name);
                if (!Files.isReadable(file)) {
                    throw new UsageException("--offer-file " + name + " does not exist or cannot be read");
                }
                out.add(ManualShareSignaling.source(name, () -> Files.newBufferedReader(file, StandardCharsets.UTF_8)));
            }
        }
        return out;
    }
}
