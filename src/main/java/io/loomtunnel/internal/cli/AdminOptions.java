package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.config.TokenFile;
import io.loomtunnel.internal.console.AdminClient;
import io.loomtunnel.internal.net.HostPort;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which admin endpoint {@code status} and {@code console} talk to, and its token; a picocli mixin. */
final class AdminOptions {
    static final String DEFAULT_URL = "http://127.0.0.1:9090";

    @Option(names = "--admin", paramLabel = "ADDRESS",
            description = "The admin endpoint of a server, client, share or connect: HOST:PORT as given to --admin-bind,"
                    + " a URL, or a port on 127.0.0.1 (default: LOOMTUNNEL_ADMIN_URL, else " + DEFAULT_URL + ").")
    String url;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "The admin endpoint's bearer token (mode 0600; or LOOMTUNNEL_ADMIN_TOKEN).")
    Path tokenFile;

    AdminClient client() {
        boolean flag = url != null;
        String u = flag ? url : System.getenv().getOrDefault("LOOMTUNNEL_ADMIN_URL", DEFAULT_URL);
        return new AdminClient(FlagValue.parse(flag ? "--admin" : "LOOMTUNNEL_ADMIN_URL", u, AdminOptions::baseUrl), token());
    }

    /** The token from --admin-token-file, else LOOMTUNNEL_ADMIN_TOKEN, else none. */
    String token() {
        if (tokenFile != null) {
            return TokenFile.read(tokenFile);
        }
        String env = System.getenv().getOrDefault("LOOMTUNNEL_ADMIN_TOKEN", "").strip();
        return env.isEmpty() ? null : env;
    }

    /**
     * The endpoint's base URL from what a user types: {@code http://HOST:PORT[/]}, {@code HOST:PORT}
     * (what {@code --admin-bind} takes and the admin line prints), or a bare port on 127.0.0.1.
     */
    static URI baseUrl(String s) {
        String text = s.strip();
        if (text.contains("://")) {
            return url(text);
        }
        if (HostPort.port(text, 1) > 0) {
            return url("http://127.0.0.1:" + text);
        }
        InetSocketAddress address;
        try {
            address = HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw notAnAddress(s);
        }
        return url("http://" + HostPort.text(address));
    }

    private static URI url(String s) {
        try {
            URI u = new URI(s.endsWith("/") ? s : s + "/");
            if ("http".equals(u.getScheme()) && u.getHost() != null && u.getPort() > 0 && u.getPath().equals("/")
                    && u.getQuery() == null && u.getUserInfo() == null) {
                return u;
            }
        } catch (URISyntaxException e) {
            // said below
        }
        throw notAnAddress(s);
    }

    private static IllegalArgumentException notAnAddress(String s) {
        return new IllegalArgumentException("must be HOST:PORT (as given to --admin-bind), http://HOST:PORT or a port,"
                + " e.g. 127.0.0.1:9090, got '" + s + "'");
    }
}
