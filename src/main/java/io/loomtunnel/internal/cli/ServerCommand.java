package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.config.GrantFile;
import io.loomtunnel.internal.config.ServerConfigLoader;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.internal.tunnel.HostPatterns;
import io.loomtunnel.observe.LogRing;
import io.loomtunnel.server.HttpsSettings;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.server.TunnelServer;
import io.loomtunnel.tunnel.PortRanges;
import java.net.BindException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loomtunnel server}: the public side; a thin layer over {@link TunnelServer}. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Accept clients over TLS 1.3 and expose their TCP, UDP and HTTP tunnels.",
        footer = {"", "Examples:",
                "  loomtunnel server --tokens-file tokens.txt",
                "  loomtunnel server --config server.toml",
                "  loomtunnel server --bind 0.0.0.0:7835 --key server.key \\",
                "      --tokens-file tokens.txt --allow-ports 10000-20000 \\",
                "      --http-bind 0.0.0.0:8080 --domain tunnel.example.org \\",
                "      --allow-hosts '*.tunnel.example.org,shop.example.com'",
                "  loomtunnel server --tokens-file tokens.txt --admin-bind 127.0.0.1:9090",
                "  loomtunnel console        # next to it: attaches to 127.0.0.1:9090",
                "", "Flags override LOOMTUNNEL_* environment variables, which override the config file (docs/CONFIG.md)."})
final class ServerCommand implements Callable<Integer> {
    private static final Pattern BYTES = Pattern.compile("(\\d{1,12})([KkMm]?)");

    @Option(names = "--config", paramLabel = "FILE", description = "TOML config file.")
    Path config;

    @Option(names = "--bind", paramLabel = "HOST:PORT", description = "Where clients connect (default 0.0.0.0:7835).")
    String bind;

    @Option(names = "--key", paramLabel = "FILE", description = "Server identity key, created if missing (default ~/.loomtunnel/server.key).")
    Path key;

    @Option(names = "--tokens-file", paramLabel = "FILE",
            description = "Accepted tokens, one per line, each optionally followed by a port list and hosts=PATTERNS"
                    + " (the HTTP hosts it may claim), e.g. 's3cret 10000-20000 hosts=shop,*.shop.example.org'.")
    Path tokensFile;

    @Option(names = "--authorized-keys", paramLabel = "FILE",
            description = "Accepted client key ids, one per line, each optionally followed by a port list and hosts=PATTERNS,"
                    + " as in --tokens-file.")
    Path authorizedKeys;

    @Option(names = "--allow-ports", paramLabel = "LIST", description = "Remote ports clients may use, e.g. 10000-20000,30000 (default 1024-65535).")
    String allowPorts;

    @Option(names = "--allow-hosts", paramLabel = "PATTERNS",
            description = "HTTP hosts clients may claim unless their token or key line says otherwise, e.g. web,*.example.org"
                    + " (NAME: NAME.DOMAIN; *.D: any host under D; *: any host; default *.DOMAIN).")
    String allowHosts;

    @Option(names = "--http-bind", paramLabel = "HOST:PORT", description = "Where the HTTP ingress listens (default: no HTTP ingress).")
    String httpBind;

    @Option(names = "--https-bind", paramLabel = "HOST:PORT",
            description = "Where the HTTPS listener of the HTTP tunnels listens (default: none); needs --https-cert.")
    String httpsBind;

    @Option(names = "--https-cert", paramLabel = "CERT.pem[:KEY.pem]",
            description = "A PEM certificate chain and its key for the HTTPS listener, chosen by the visitor's server name"
                    + " (exact, then wildcard; the first one for other names); reloaded when the files change (repeatable).")
    List<String> httpsCerts = new ArrayList<>();

    @Option(names = "--https-redirect", paramLabel = "308|301|off",
            description = "What the HTTP listener answers for hosts served over HTTPS (default 308).")
    String httpsRedirect;

    @Option(names = "--hsts", paramLabel = "VALUE",
            description = "Strict-Transport-Security of HTTPS responses, e.g. max-age=31536000 (default: none).")
    String hsts;

    @Option(names = "--tls12", description = "Accept TLS 1.2 on the HTTPS listener besides 1.3 (for older webhook senders).")
    boolean tls12;

    @Option(names = "--acme-directory", paramLabel = "URL",
            description = "Get certificates for the HTTP tunnels' hosts from this ACME CA (e.g. Let's Encrypt's directory URL);"
                    + " kept in the acme directory beside the server key, renewed before they expire.")
    String acmeDirectory;

    @Option(names = "--acme-email", paramLabel = "ADDRESS", description = "The ACME account's contact address.")
    String acmeEmail;

    @Option(names = "--acme-ca", paramLabel = "FILE",
            description = "PEM CA that signs the ACME directory's TLS certificate (test or private CAs; default: the system's).")
    Path acmeCa;

    @Option(names = "--acme-challenge", paramLabel = "http-01|tls-alpn-01",
            description = "How the CA checks a host (default http-01 with --http-bind, else tls-alpn-01).")
    String acmeChallenge;

    @Option(names = "--acme-host", paramLabel = "HOST",
            description = "Get a certificate for this host (repeatable; default: every host an HTTP tunnel claims, when claimed).")
    List<String> acmeHosts = new ArrayList<>();

    @Option(names = "--domain", paramLabel = "NAME", description = "HTTP tunnels named N are served at N.NAME (default localhost).")
    String domain;

    @Option(names = "--open-access", description = "Accept clients without a token or key. Only for closed networks.")
    boolean openAccess;

    @Option(names = "--relay-max-per-peer", paramLabel = "N",
            description = "Relayed peer-to-peer sessions one peer may be part of at once (default 16; 0: no relaying).")
    Integer relayMaxPerPeer;

    @Option(names = "--relay-rate", paramLabel = "BYTES",
            description = "Bytes per second one peer may send through the relay, e.g. 8M (default 8M; K and M are 1024 and 1024^2).")
    String relayRate;

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Directory of custom policy plugin jars, for the server-wide policies (docs/PLUGINS.md).")
    Path plugins;

    @Mixin
    ObserveOptions observe;

    /** Printed to stderr at start when open access is on (flag or config): nothing else says so. */
    static final String OPEN_ACCESS_WARNING = "loomtunnel: warning: open access is on: anyone who can reach the control port "
            + "may connect without a token or key and open tunnels; use it only on a closed network";

    private final LogRing logs = new LogRing();

    @Override
    public Integer call() throws Exception {
        ServerSettings settings = settings();
        TunnelServer server;
        try {
            server = TunnelServer.start(settings, new ServerPrinter(System.out, logs));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage()); // a policy or plugin the server could not make
        } catch (BindException e) {
            throw new UsageException("cannot listen on " + (e.getMessage().contains("(admin endpoint)") ? e.getMessage()
                    : FlagValue.address(settings.bind()) + ": " + e.getMessage()));
        }
        System.out.println("server id   " + server.id());
        System.out.println("control     " + FlagValue.address(server.controlAddress()));
        if (server.httpPort() >= 0) {
            System.out.println("http        " + FlagValue.address(new java.net.InetSocketAddress(settings.httpBind().getAddress(),
                    server.httpPort())) + " (tunnels at NAME." + settings.domain() + ")");
        }
        if (server.httpsPort() >= 0) {
            System.out.println("https       " + FlagValue.address(new java.net.InetSocketAddress(settings.https().bind().getAddress(),
                    server.httpsPort())));
        }
        System.out.println("ports       " + settings.allowPorts());
        if (server.httpPort() >= 0) {
            System.out.println("hosts       " + String.join(",", settings.allowHosts()));
        }
        if (server.adminAddress() != null) {
            System.out.println(ObserveOptions.adminLine(server.adminAddress()));
        }
        if (settings.openAccess()) {
            System.err.println(OPEN_ACCESS_WARNING);
        }
        System.out.println("ready; clients pin the server id above");
        CountDownLatch stop = new CountDownLatch(1);
        StopSignals.onStop(stop::countDown);
        stop.await();
        server.close(); // GO_AWAY to every client, ports freed
        System.out.println("stopped");
        return ExitCode.OK;
    }

    /** A byte count: digits, optionally followed by K or M (1024, 1024²). */
    static long bytes(String text) {
        Matcher m = BYTES.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("must be a number of bytes such as 8388608 or 8M, got '" + text + "'");
        }
        long unit = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 1024;
            case "M" -> 1024 * 1024;
            default -> 1;
        };
        return Long.parseLong(m.group(1)) * unit;
    }

    private ServerSettings settings() {
        try {
            ServerSettings.Builder b = ServerSettings.builder();
            ServerConfigLoader.apply(config, System.getenv(), b);
            if (bind != null) {
                b.bind(FlagValue.parse("--bind", bind, HostPort::parseBind));
            }
            if (key != null) {
                b.keyFile(key);
            }
            if (tokensFile != null) {
                b.tokens(GrantFile.readTokens(tokensFile));
            }
            if (authorizedKeys != null) {
                b.authorizedKeys(GrantFile.readKeys(authorizedKeys));
            }
            if (allowPorts != null) {
                b.allowPorts(FlagValue.parse("--allow-ports", allowPorts, PortRanges::parse));
            }
            if (allowHosts != null) {
                b.allowHosts(FlagValue.parse("--allow-hosts", allowHosts, HostPatterns::parseList));
            }
            if (httpBind != null) {
                b.httpBind(FlagValue.parse("--http-bind", httpBind, HostPort::parseBind));
            }
            if (domain != null) {
                b.domain(domain);
            }
            if (httpsBind != null) {
                b.https().bind(FlagValue.parse("--https-bind", httpsBind, HostPort::parseBind));
            }
            if (!httpsCerts.isEmpty()) {
                b.https().certificates(httpsCerts.stream().map(c -> FlagValue.parse("--https-cert", c, HttpsSettings.Pem::parse)).toList());
            }
            if (httpsRedirect != null) {
                b.https().redirectStatus(FlagValue.parse("--https-redirect", httpsRedirect, HttpsSettings::parseRedirect));
            }
            if (hsts != null) {
                b.https().hsts(hsts);
            }
            if (tls12) {
                b.https().allowTls12(true);
            }
            if (acmeDirectory != null) {
                b.https().acmeDirectory(FlagValue.parse("--acme-directory", acmeDirectory, java.net.URI::create));
            }
            if (acmeEmail != null) {
                b.https().acmeEmail(acmeEmail);
            }
            if (acmeCa != null) {
                b.https().acmeCa(acmeCa);
            }
            if (acmeChallenge != null) {
                b.https().acmeChallenge(acmeChallenge);
            }
            if (!acmeHosts.isEmpty()) {
                b.https().acmeHosts(acmeHosts);
            }
            if (openAccess) {
                b.openAccess(true);
            }
            if (relayMaxPerPeer != null) {
                b.relayMaxPerPeer(relayMaxPerPeer);
            }
            if (relayRate != null) {
                b.relayRatePerPeer(FlagValue.parse("--relay-rate", relayRate, ServerCommand::bytes));
            }
            if (plugins != null) {
                b.pluginDirectory(plugins);
            }
            observe.applyTo(b.observe().logs(logs));
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
