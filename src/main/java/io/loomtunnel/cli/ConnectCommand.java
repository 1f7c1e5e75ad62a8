package io.loomtunnel.cli;

import io.loomtunnel.config.HostPort;
import io.loomtunnel.p2p.ConnectPeer;
import io.loomtunnel.p2p.ConnectSettings;
import io.loomtunnel.p2p.PeerSession;
import io.loomtunnel.p2p.signal.ConnectSignaling;
import io.loomtunnel.p2p.signal.ManualConnectSignaling;
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
        description = "Open a local port that reaches a service another peer shares, over a direct peer-to-peer TLS session.",
        footer = {"", "Examples:",
                "  loomtunnel connect --key laptop.key --peer ID --service ssh --listen 127.0.0.1:2222",
                "  loomtunnel connect --key laptop.key --peer ID --service dns --listen 127.0.0.1:5353 --answer-file answer.txt",
                "", "Prints an offer; give it to `loomtunnel share`, then paste its answer here (or save it in",
                "--answer-file). The session line says which path it took: 'direct ADDRESS'. With manual signaling",
                "one run is one session: when it ends, connect exits 11; run it again for a new one.",
                "Exit codes: 3 peer not allowed, 10 no path, 11 session ended, 20 service not offered,",
                "21 share busy, 22 bad answer, 23 expired, 24 replayed (docs/P2P.md). SIGINT/SIGTERM: exit 0."})
final class ConnectCommand implements Callable<Integer> {
    @Mixin
    PeerOptions peer;

    @Option(names = "--peer", required = true, paramLabel = "ID", description = "The sharing peer's id (pinned).")
    String peerId;

    @Option(names = "--service", required = true, paramLabel = "NAME", description = "The service to reach, as the share names it.")
    String service;

    @Option(names = "--listen", required = true, paramLabel = "IP:PORT", description = "The local port applications use.")
    String listen;

    @Option(names = "--answer-file", paramLabel = "FILE",
            description = "Wait for the answer in FILE (it may appear later) instead of reading standard input.")
    Path answerFile;

    @Option(names = "--offer-ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the offer stays valid: the time the answer has to come back (default 10m).")
    Duration offerTtl = ConnectSettings.DEFAULT_OFFER_LIFETIME;

    @Override
    public Integer call() throws Exception {
        peer.requireManualSignaling();
        Identity identity = peer.identity();
        ConnectSettings settings = settings(identity);
        System.out.println("peer id     " + identity.id() + " (the share must --allow it)");
        ConnectSignaling signaling = answerFile != null
                ? ManualConnectSignaling.fromFile(System.out, answerFile)
                : ManualConnectSignaling.fromReader(System.out, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        ConnectPeer connect = ConnectPeer.create(settings, new ConnectPrinter(System.out, System.err,
                answerFile != null ? "in " + answerFile : "here"));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        StopSignals.onStop(() -> {
            connect.close();
            exit.complete(ExitCode.OK);
        });
        Thread.ofVirtual().name("connect-session").start(() -> exit.complete(runOnce(connect, signaling)));
        int code;
        try {
            code = exit.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            connect.close();
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
            while (!session.awaitEnd(Duration.ofHours(1))) {
                // sessions may run for days
            }
            System.err.println("loomtunnel: the session ended (" + session.endReason() + "); run connect again for a new one");
            return ExitCode.CONNECTION_LOST;
        } catch (BindException e) {
            System.err.println("loomtunnel: " + e.getMessage());
            return ExitCode.USAGE;
        } catch (Exception e) {
            int code = PeerExits.of(e);
            System.err.println("loomtunnel: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return code >= 0 ? code : ExitCode.INTERNAL;
        }
    }

    private ConnectSettings settings(Identity identity) {
        try {
            return ConnectSettings.builder(identity, FlagValue.parse("--peer", peerId, PeerId::parse), service,
                            FlagValue.parse("--listen", listen, HostPort::parseBind))
                    .path(peer.path())
                    .offerLifetime(offerTtl)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
