package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.net.Backoff;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.observe.LogRing;
import io.loomtunnel.p2p.ConnectPeer;
import io.loomtunnel.p2p.ConnectSettings;
import io.loomtunnel.p2p.PeerSession;
import io.loomtunnel.internal.rendezvous.RendezvousDialer;
import io.loomtunnel.internal.rendezvous.ServerConnectSignaling;
import io.loomtunnel.internal.rendezvous.ServerTicketSignaling;
import io.loomtunnel.internal.signal.ConnectSignaling;
import io.loomtunnel.internal.signal.ManualConnectSignaling;
import io.loomtunnel.internal.signal.NostrConnectSignaling;
import io.loomtunnel.internal.nostr.RelayPool;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loomtunnel connect}: a local port that reaches a peer's shared service; a thin layer over {@link ConnectPeer}. */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Open a local port that reaches a service another peer shares, over a peer-to-peer TLS session.",
        footer = {"",
                "Examples:",
                "  loomtunnel connect --key laptop.key --peer ID --service ssh \\",
                "      --listen 127.0.0.1:2222",
                "  loomtunnel connect --key laptop.key --peer ID --service dns \\",
                "      --listen 127.0.0.1:5353 --answer-file answer.txt",
                "  loomtunnel connect --key laptop.key --peer ID --service ssh \\",
                "      --listen 127.0.0.1:2222 --signal server \\",
                "      --server tunnel.example.org:7835 --server-id ID --token-file token.txt",
                "  loomtunnel connect --key laptop.key --peer ID --service ssh \\",
                "      --listen 127.0.0.1:2222 --signal nostr \\",
                "      --relay wss://relay.example.org --relay wss://nostr.example.net",
                "",
                "Manual signaling prints an offer; give it to `loomtunnel share`, then paste"
                + " its answer here (or save it in --answer-file). One run is one session: when it"
                + " ends, connect exits 11; run it again for a new one. --answer-file is watched"
                + " until the offer expires: what there cannot be this offer's answer is said at"
                + " once, in one line, and the watch goes on (the file can be put right).",
                "Server (and Nostr) signaling finds the share through the server (the relays) and keeps the local port"
                + " open while sessions come and go: a session that ends is set up again (pauses"
                + " of 1s doubling to 30s).",
                "The session line says which path it took: 'direct ADDRESS' or 'relay via SERVER'."
                + " --admin-bind 127.0.0.1:9090 serves it to `loomtunnel status` and the dashboard"
                + " at http://127.0.0.1:9090/ (docs/DASHBOARD.md).",
                "Exit codes: 3 peer not allowed, 4 server key not --server-id, 10 no path, 11 session ended,"
                + " 20 service not offered, 21 share busy, 22 bad answer pasted, 23 no usable answer before"
                + " the offer expired, 24 old answer pasted, 25 share unknown to the server (docs/P2P.md)."
                + " SIGINT/SIGTERM: exit 0."})
final class ConnectCommand implements Callable<Integer> {
    /** How long the command waits for its session thread at the end (see call()). */
    static final Duration STDIN_GRACE = Duration.ofMillis(500);
    private static final Duration BACKOFF_MIN = Duration.ofSeconds(1);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

    @Mixin
    PeerOptions peer;

    @Mixin
    ObserveOptions observe;

    @Option(names = "--peer", required = true, paramLabel = "ID", description = "The sharing peer's id (pinned).")
    String peerId;

    @Option(names = "--service", required = true, paramLabel = "NAME", description = "The service to reach, as the share names it.")
    String service;

    @Option(names = "--listen", required = true, paramLabel = "IP:PORT", description = "The local port applications use.")
    String listen;

    @Option(names = "--answer-file", paramLabel = "FILE",
            description = "Manual signaling: wait for the answer in FILE (it may appear later) instead of reading standard input.")
    Path answerFile;

    @Option(names = "--offer-ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the offer stays valid: the time the answer has to come back (default 10m).")
    Duration offerTtl = ConnectSettings.DEFAULT_OFFER_LIFETIME;

    private final LogRing logs = new LogRing();

    /** Set by the stop signal before it closes the peer: the session end that follows is not news. */
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        Identity identity = peer.identity();
        RendezvousDialer server = peer.rendezvous(identity);
        if (server != null && answerFile != null) {
            throw new UsageException("--answer-file goes with --signal manual");
        }
        if (peer.signal.equals("nostr") && answerFile != null) {
            throw new UsageException("--answer-file goes with --signal manual");
        }
        ConnectSettings settings = settings(identity);
        RelayPool relays = peer.nostr();
        System.out.println("peer id     " + identity.id() + " (the share must --allow it)");
        if (relays != null) {
            System.out.println("signal      nostr " + String.join(" ", peer.relays)
                    + (server != null ? " (relay fallback via the server " + server.via() + ")" : ""));
        }
        ConnectSignaling signaling = relays != null && server != null
                ? new ServerTicketSignaling(server, new NostrConnectSignaling(relays, settings.peer()))
                : server != null ? new ServerConnectSignaling(server)
                : relays != null ? new NostrConnectSignaling(relays, settings.peer())
                : answerFile != null ? ManualConnectSignaling.fromFile(System.out, System.err, answerFile)
                : ManualConnectSignaling.fromReader(System.out, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        ConnectPeer connect;
        try {
            connect = ConnectPeer.create(settings, relays != null ? ConnectPrinter.viaNostr(System.out, System.err, logs)
                    : server != null ? ConnectPrinter.viaServer(System.out, System.err, logs, server.via())
                    : ConnectPrinter.manual(System.out, System.err, logs, answerFile != null ? "in " + answerFile : "here"));
        } catch (BindException e) {
            closeRelays(relays);
            throw new UsageException(e.getMessage()); // only the admin endpoint listens yet
        }
        if (connect.adminAddress() != null) {
            System.out.println(ObserveOptions.adminLine(connect.adminAddress()));
        }
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        StopSignals.onStop(() -> {
            // Stopping is said before the peer closes: closing ends the session, and the session
            // thread would otherwise report that end (exit 11, "run connect again"). The exit is
            // completed only after the close, as before: completing it first let the exit run
            // while this handler was still closing the peer, and a stopped connect hung.
            stopping = true;
            connect.close();
            exit.complete(ExitCode.OK);
        });
        int code;
        OwnedThreads threads = new OwnedThreads("connect command");
        try {
            threads.start("sessions", () -> exit.complete(server != null || relays != null
                    ? runWhileAllowed(connect, signaling) : runOnce(connect, signaling)));
            code = exit.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            connect.close();
            closeRelays(relays);
            // A session thread waiting on the peer wakes now; one reading an answer from standard
            // input cannot be woken by anything and ends with the process, so the wait is short.
            threads.close(STDIN_GRACE);
        }
        if (code == ExitCode.OK) {
            System.out.println("stopped");
        }
        return code;
    }

    /** One session: set it up, then wait for its end; the exit code says how it went. */
    private int runOnce(ConnectPeer connect, ConnectSignaling signaling) {
        try {
            PeerSession session = connect.connect(signaling);
            awaitEnd(session);
            if (stopping) {
                return ExitCode.OK;
            }
            System.err.println("loomtunnel: the session ended (" + session.endReason() + "); run connect again for a new one");
            return ExitCode.CONNECTION_LOST;
        } catch (Exception e) {
            return stopping ? ExitCode.OK : failed(e);
        }
    }

    /**
     * Sessions one after another, the local port open throughout: a session that ends, or an
     * attempt that fails, is followed by another after a pause. Exits when the first attempt
     * fails (a mistyped id, a share not running) or the share refuses us outright.
     */
    private int runWhileAllowed(ConnectPeer connect, ConnectSignaling signaling) {
        Backoff backoff = new Backoff(BACKOFF_MIN, BACKOFF_MAX);
        boolean everConnected = false;
        while (true) {
            String why;
            try {
                PeerSession session = connect.connect(signaling);
                everConnected = true;
                backoff.reset();
                awaitEnd(session);
                if (stopping) {
                    return ExitCode.OK;
                }
                why = "the session ended (" + session.endReason() + ")";
            } catch (Exception e) {
                if (stopping) {
                    return ExitCode.OK;
                }
                int code = PeerExits.of(e);
                if (!everConnected || code == ExitCode.AUTH_REFUSED || code == ExitCode.SERVICE_REFUSED || code == ExitCode.USAGE) {
                    return failed(e);
                }
                why = message(e);
            }
            Duration pause = backoff.next();
            System.err.println("loomtunnel: " + why + "; connecting again in " + pause.toMillis() + " ms");
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return ExitCode.OK;
            }
        }
    }

    private static void closeRelays(RelayPool relays) {
        if (relays != null) {
            relays.close();
        }
    }

    private static void awaitEnd(PeerSession session) throws InterruptedException {
        while (!session.awaitEnd(Duration.ofHours(1))) {
            // sessions may run for days
        }
    }

    private static int failed(Exception e) {
        System.err.println("loomtunnel: " + message(e));
        return e instanceof BindException ? ExitCode.USAGE : PeerExits.of(e);
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private ConnectSettings settings(Identity identity) {
        try {
            ConnectSettings.Builder b = ConnectSettings.builder(identity, FlagValue.parse("--peer", peerId, PeerId::parse), service,
                            FlagValue.parse("--listen", listen, HostPort::parseBind))
                    .path(peer.path())
                    .offerLifetime(offerTtl);
            observe.applyWithEnvironment(b.observe().logs(logs));
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
