package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.config.TokenFile;
import io.loomtunnel.internal.console.AdminClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which admin endpoint {@code status} and {@code console} talk to, and its token; a picocli mixin. */
final class AdminOptions {
    static final String DEFAULT_URL = "http://127.0.0.1:9090";

    @Option(names = "--admin", paramLabel = "URL",
            description = "The admin endpoint of a server or client (default: LOOMTUNNEL_ADMIN_URL, else " + DEFAULT_URL + ").")
    String url;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "The admin endpoint's bearer token (mode 0600; or LOOMTUNNEL_ADMIN_TOKEN).")
    Path tokenFile;

    AdminClient client() {
        String u = url != null ? url : System.getenv().getOrDefault("LOOMTUNNEL_ADMIN_URL", DEFAULT_URL);
        return new AdminClient(FlagValue.parse("--admin", u, AdminOptions::baseUrl), token());
    }

    /** The token from --admin-token-file, else LOOMTUNNEL_ADMIN_TOKEN, else none. */
    String token() {
        if (tokenFile != null) {
            return TokenFile.read(tokenFile);
        }
        String env = System.getenv().getOrDefault("LOOMTUNNEL_ADMIN_TOKEN", "").strip();
        return env.isEmpty() ? null : env;
    }

    private static URI baseUrl(String s) {
        try {
            URI u = new URI(s.endsWith("/") ? s : s + "/");
            if ("http".equals(u.getScheme()) && u.getHost() != null && u.getPort() > 0) {
                return u;
            }
        } catch (URISyntaxException e) {
            // said below
        }
        throw new IllegalArgumentException("must be a URL like " + DEFAULT_URL + ", got '" + s + "'");
    }
}
