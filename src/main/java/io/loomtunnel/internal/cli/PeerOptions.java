package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.config.TokenFile;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.internal.rendezvous.RendezvousDialer;
import io.loomtunnel.p2p.PathSettings;
import io.loomtunnel.session.SessionOptions;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.internal.nostr.RelayPool;
import io.loomtunnel.internal.nostr.RelaySettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
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
            description = "manual: offer and answer are copy-pasted (default); server: through a loomtunnel server;"
                    + " nostr: through public Nostr relays (--relay).")
    String signal;

    @Option(names = "--relay", paramLabel = "URL",
            description = "With --signal nostr: a Nostr relay, wss://HOST[:PORT][/PATH] (ws:// for loopback only); repeatable, 1 to 16.")
    List<String> relays = new ArrayList<>();

    @Option(names = "--relay-insecure",
            description = "With --signal nostr: allow ws:// (clear text) relays on any host, with a warning; offers and answers stay"
                    + " encrypted and signed, but the network on the way sees the route tag and timing.")
    boolean relayInsecure;

    @Option(names = "--server", paramLabel = "HOST:PORT", description = "With --signal server: the server's control address; with --signal nostr: a server whose relay is the fallback.")
    String server;

    @Option(names = "--server-id", paramLabel = "ID", description = "With --server: the server's key id.")
    String serverId;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "With --server: file holding the token (or set LOOMTUNNEL_TOKEN; none if the server authorizes our key).")
    Path tokenFile;

    @Option(names = "--relay-after", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --server: how long direct attempts run alone before the server's relay is asked too (default 3s).")
    Duration relayAfter = PathSettings.DEFAULT_RELAY_AFTER;

    @Option(names = "--relay-only", description = "With --server: no direct attempts; go through the server's relay at once.")
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
     * The server to signal through with {@code --signal server}, or whose relay is the fallback with
     * {@code --signal nostr --server}; null otherwise. Refuses flags that do not go with the mode.
     */
    RendezvousDialer rendezvous(Identity identity) {
        boolean serverFlags = server != null || serverId != null || tokenFile != null || relayOnly;
        switch (signal) {
            case "manual" -> {
                if (!relays.isEmpty() || relayInsecure) {
                    throw new UsageException("--relay and --relay-insecure go with --signal nostr");
                }
                if (serverFlags) {
                    throw new UsageException("--server, --server-id, --token-file and --relay-only go with --signal server or nostr");
                }
                return null;
            }
            case "nostr" -> {
                if (server == null && serverFlags) {
                    throw new UsageException("--server-id, --token-file and --relay-only go with --server");
                }
                return server == null ? null : dialer(identity);
            }
            case "server" -> {
                if (!relays.isEmpty() || relayInsecure) {
                    throw new UsageException("--relay and --relay-insecure go with --signal nostr");
                }
                if (server == null || serverId == null) {
                    throw new UsageException("--signal server needs --server HOST:PORT and --server-id ID");
                }
                return dialer(identity);
            }
            default -> throw new UsageException("--signal must be manual, server or nostr, got '" + signal + "'");
        }
    }

    private RendezvousDialer dialer(Identity identity) {
        if (serverId == null) {
            throw new UsageException("--server needs --server-id ID");
        }
        String token = tokenFile != null ? TokenFile.read(tokenFile) : System.getenv("LOOMTUNNEL_TOKEN");
        return new RendezvousDialer(identity, FlagValue.parse("--server", server, HostPort::parse),
                FlagValue.parse("--server-id", serverId, PeerId::parse), token == null || token.isBlank() ? null : token,
                SessionOptions.defaults());
    }

    /**
     * The Nostr relays to signal through with {@code --signal nostr} (dialing starts at once), or
     * null with another mode.
     */
    RelayPool nostr() {
        if (!signal.equals("nostr")) {
            return null;
        }
        if (relays.isEmpty()) {
            throw new UsageException("--signal nostr needs --relay URL (wss://..., or ws:// for a relay on this host)");
        }
        List<URI> uris = new ArrayList<>();
        for (String text : relays) {
            URI uri = relayUri(text, relayInsecure);
            if (uri.getScheme().equalsIgnoreCase("ws") && !loopback(uri.getHost())) {
                System.err.println("loomtunnel: warning: relay " + text + " is clear text (--relay-insecure): the network on the way"
                        + " sees the route tag and timing; offers and answers stay encrypted and signed");
            }
            uris.add(uri);
        }
        try {
            return new RelayPool(uris, RelaySettings.defaults());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--relay: " + e.getMessage());
        }
    }

    /** A relay URL: wss:// for any host, ws:// (no TLS) only for a loopback address or localhost unless {@code insecure}. */
    static URI relayUri(String text, boolean insecure) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new UsageException("--relay '" + text + "' is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !scheme.equals("ws") && !scheme.equals("wss")) {
            throw new UsageException("--relay '" + text + "' must be wss://HOST[:PORT][/PATH] (ws:// for a relay on this host)");
        }
        if (scheme.equals("ws") && !insecure && !loopback(uri.getHost())) {
            throw new UsageException("--relay '" + text + "': ws:// sends in clear text and is allowed only for loopback"
                    + " addresses; use wss:// (or --relay-insecure on a network you trust)");
        }
        return uri;
    }

    private static boolean loopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.contains(":") && !h.matches("[0-9.]+")) {
            return false; // a name other than localhost: not resolved here
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return false;
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
