package io.loomtunnel.cli;

import io.loomtunnel.config.HostPort;
import io.loomtunnel.p2p.path.PathSettings;
import io.loomtunnel.tls.Identity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags {@code share} and {@code connect} have in common: key, signaling, and how paths are looked for. */
final class PeerOptions {
    @Option(names = "--key", required = true, paramLabel = "FILE", description = "Our identity key, created if missing; its id is what the other peer pins.")
    Path key;

    @Option(names = "--signal", paramLabel = "MODE", defaultValue = "manual",
            description = "manual: offer and answer are copy-pasted (default); server: through a loomtunnel server.")
    String signal;

    @Option(names = "--server", paramLabel = "HOST:PORT", description = "With --signal server: the server's control address.")
    String server;

    @Option(names = "--server-id", paramLabel = "ID", description = "With --signal server: the server's key id.")
    String serverId;

    @Option(names = "--token-file", paramLabel = "FILE", description = "With --signal server: file holding the token.")
    Path tokenFile;

    @Option(names = "--bind", paramLabel = "IP:PORT", defaultValue = "0.0.0.0:0",
            description = "The punch port, which listens and dials (default 0.0.0.0:0: every IPv4 interface, any free port).")
    String bind;

    @Option(names = "--candidate", paramLabel = "IP[:PORT]",
            description = "Another address the other peer may try (repeatable), e.g. a port forward; no port: the punch port.")
    List<String> candidates = new ArrayList<>();

    @Option(names = "--punch-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to try connecting once both sides know each other's candidates (default 15s).")
    Duration punchTimeout = PathSettings.DEFAULT_PUNCH_TIMEOUT;

    /** Refuses what this version cannot do yet: server signaling comes with the server's directory. */
    void requireManualSignaling() {
        switch (signal) {
            case "manual" -> {
                if (server != null || serverId != null || tokenFile != null) {
                    throw new UsageException("--server, --server-id and --token-file go with --signal server");
                }
            }
            case "server" -> throw new UsageException("--signal server is not available yet in this version; use --signal manual");
            default -> throw new UsageException("--signal must be manual or server, got '" + signal + "'");
        }
    }

    Identity identity() throws IOException {
        return Identity.loadOrCreate(key);
    }

    PathSettings path() {
        List<InetSocketAddress> extra = new ArrayList<>();
        for (String c : candidates) {
            boolean portless = !c.contains(":") || c.startsWith("[") && c.endsWith("]");
            extra.add(FlagValue.parse("--candidate", portless ? c + ":0" : c, HostPort::parseBind));
        }
        try {
            return new PathSettings(FlagValue.parse("--bind", bind, HostPort::parseBind), extra, punchTimeout);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
