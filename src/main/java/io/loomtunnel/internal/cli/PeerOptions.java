package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.config.TokenFile;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.internal.rendezvous.RendezvousDialer;
import io.loomtunnel.p2p.PathSettings;
import io.loomtunnel.session.SessionOptions;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
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

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "With --signal server: file holding the token (or set LOOMTUNNEL_TOKEN; none if the server authorizes our key).")
    Path tokenFile;

    @Option(names = "--relay-after", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --signal server: how long direct attempts run alone before the server's relay is asked too (default 3s).")
    Duration relayAfter = PathSettings.DEFAULT_RELAY_AFTER;

    @Option(names = "--relay-only", description = "With --signal server: no direct attempts; go through the server's relay at once.")
    boolean relayOnly;

    @Option(names = "--bind", paramLabel = "IP:PORT", defaultValue = "0.0.0.0:0",
            description = "The punch port, which listens and dials (default 0.0.0.0:0: every IPv4 interface, any free port).")
    String bind;

    @Option(names = "--candidate", paramLabel = "IP[:PORT]",
            description = "Another address the other peer may try (repeatable), e.g. a port forward; no port: the punch port.")
    List<String> candidates = new ArrayList<>();

    @Option(names = "--punch-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to try connecting once both sides know each other's candidates (default 15s);"
                    + " connect: also how long a local connection waits for a session.")
    Duration punchTimeout = PathSettings.DEFAULT_PUNCH_TIMEOUT;

    /**
     * The server to signal through with {@code --signal server}, or null with manual signaling;
     * refuses flags that do not go with the mode.
     */
    RendezvousDialer rendezvous(Identity identity) {
        switch (signal) {
            case "manual" -> {
                if (server != null || serverId != null || tokenFile != null || relayOnly) {
                    throw new UsageException("--server, --server-id, --token-file and --relay-only go with --signal server");
                }
                return null;
            }
            case "server" -> {
                if (server == null || serverId == null) {
                    throw new UsageException("--signal server needs --server HOST:PORT and --server-id ID");
                }
                String token = tokenFile != null ? TokenFile.read(tokenFile) : System.getenv("LOOMTUNNEL_TOKEN");
                return new RendezvousDialer(identity, FlagValue.parse("--server", server, HostPort::parse),
                        FlagValue.parse("--server-id", serverId, PeerId::parse), token == null || token.isBlank() ? null : token,
                        SessionOptions.defaults());
            }
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
            return new PathSettings(FlagValue.parse("--bind", bind, HostPort::parseBind), extra, punchTimeout, relayAfter, relayOnly);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
