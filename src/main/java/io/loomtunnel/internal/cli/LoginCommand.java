package io.loomtunnel.internal.cli;

import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.internal.config.ClientConfigLoader;
import io.loomtunnel.internal.config.SavedServer;
import io.loomtunnel.internal.config.TokenInput;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.session.AuthenticationException;
import io.loomtunnel.session.Session;
import io.loomtunnel.session.SessionDialer;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerRejectedException;
import io.loomtunnel.tls.PeerVerifier;
import java.io.ByteArrayInputStream;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loomtunnel login}: checks a server (its pinned id, our token) and saves it for the quick
 * commands ({@link SavedServer}); nothing is saved unless the check passes or is skipped.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Save a server for the quick commands (http, tcp, udp), after checking its id and the token.",
        footer = {"", "Examples:",
                "  loomtunnel login tunnel.example.org --server-id ID --token-file token.txt",
                "  echo \"$TOKEN\" | loomtunnel login tunnel.example.org:7835 --server-id ID",
                "", "The token comes from --token-file, LOOMTUNNEL_TOKEN or standard input (asked",
                "for, hidden, on a terminal); never from the command line. Saved as client.toml",
                "and token, mode 0600, in $XDG_CONFIG_HOME/loomtunnel/ (~/.config/loomtunnel/).",
                "Exit codes: 0 saved; 2 bad usage, 3 token refused, 4 server key does not match",
                "--server-id, 10 could not connect: nothing saved."})
final class LoginCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HOST[:PORT]", description = "The server's control address (port 7835 if left out).")
    String server;

    @Mixin
    ServerAccessOptions access;

    @Option(names = "--no-check", description = "Save without connecting to the server first.")
    boolean noCheck;

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        ClientSettings settings = settings(env);
        String token = settings.token() != null ? settings.token() : typedToken();
        if (token == null && settings.keyFile() == null) {
            throw new UsageException("no token: give --token-file FILE, set LOOMTUNNEL_TOKEN or pipe it on standard input"
                    + " (or --key FILE, for a server that lists the key's id)");
        }
        String address = FlagValue.address(settings.server());
        if (!noCheck) {
            int refused = check(settings, token);
            if (refused != ExitCode.OK) {
                return refused;
            }
        }
        Path saved = SavedServer.save(SavedServer.dir(env), settings.server(), settings.serverId(), token, settings.keyFile());
        System.out.println((noCheck ? "saved " : "checked and saved ") + address + " in " + saved + "; try: loomtunnel http 3000");
        return ExitCode.OK;
    }

    /** The environment as the client reads it (LOOMTUNNEL_TOKEN, LOOMTUNNEL_SERVER_ID, …), then the flags. */
    private ClientSettings settings(Map<String, String> env) {
        try {
            ClientSettings.Builder b = ClientSettings.builder();
            ClientConfigLoader.apply(null, env, b);
            String hostPort = server.contains(":") && !server.endsWith("]") ? server : server + ":" + ServerSettings.DEFAULT_PORT;
            b.server(FlagValue.parse("HOST[:PORT]", hostPort, HostPort::parse));
            access.applyTo(b);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The token on standard input: asked for, without echo, on a terminal; else read as piped. Null if none. */
    private String typedToken() throws IOException {
        Console console = System.console();
        if (console != null && isTerminal(console)) {
            char[] typed = console.readPassword("token for %s (input hidden; Enter alone for none): ", server);
            return typed == null ? null : TokenInput.read("the typed token",
                    new ByteArrayInputStream(new String(typed).getBytes(StandardCharsets.UTF_8)));
        }
        return TokenInput.read("standard input", System.in);
    }

    /**
     * Java 22+ has a Console even for pipes and says which it is with isTerminal(); Java 21 (which
     * we compile for) has one only on a terminal, and no such method.
     */
    private static boolean isTerminal(Console console) {
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException java21) {
            return true;
        }
    }

    /** Connects as the client will; when the server would not do, prints why in one line and returns the exit code. */
    private static int check(ClientSettings settings, String token) throws IOException {
        Identity identity = settings.keyFile() == null ? Identity.generate() : Identity.loadOrCreate(settings.keyFile());
        SessionDialer dialer = new SessionDialer(identity, PeerVerifier.pinned(settings.serverId()), token, settings.session());
        try (Session session = dialer.dial(HostPort.resolved(settings.server()))) {
            return ExitCode.OK;
        } catch (PeerRejectedException e) {
            return notSaved(ExitCode.PEER_KEY_MISMATCH, "the server's key does not match --server-id: " + e.getMessage());
        } catch (AuthenticationException e) {
            return notSaved(ExitCode.AUTH_REFUSED, "the server refused the " + (token != null ? "token" : "key") + ": " + e.getMessage());
        } catch (IOException e) {
            return notSaved(ExitCode.CONNECT_FAILED, "could not connect to " + FlagValue.address(settings.server()) + ": "
                    + e.getMessage() + " (--no-check saves it without connecting)");
        }
    }

    private static int notSaved(int code, String why) {
        System.err.println("loomtunnel: not saved: " + why);
        return code;
    }
}
