package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * loomtunnel server and client from the fat jar, each its own JVM started with the run's JVM options:
 * scripts/bench-e2e passes scripts/loomtunnel's (or none with --bare-jvm), plus its --tunnel-jvm-options.
 */
final class Loomtunnel {
    static final Duration START = Duration.ofSeconds(60);
    private static final String TOKEN = "bench-e2e-token-0123456789";
    /** The memory scenario registers 1,000 tunnels from one client; the server's default limit is 64. */
    private static final int MAX_TUNNELS_PER_CLIENT = 1_000;
    /** Above every scenario's connection count (streams holds 10,000 in a full run). */
    private static final int MAX_CONNECTIONS_PER_SOURCE = 20_000;

    private final Procs procs;
    private final Path dir;
    private final Path jar;
    private final List<String> jvmOptions;

    Loomtunnel(Procs procs, Path dir, Path jar, List<String> jvmOptions) {
        this.procs = procs;
        this.dir = dir;
        this.jar = jar;
        this.jvmOptions = jvmOptions;
    }

    /** A running server: its process, the id clients pin, and its control, HTTP and HTTPS (-1: none) ingress ports. */
    record Server(Proc proc, String id, int controlPort, int httpPort, int httpsPort) {}

    /** A server on 127.0.0.1 with an HTTP ingress (tunnels at NAME.localhost) and the bench's token. */
    Server server() throws Exception {
        return server(false);
    }

    /**
     * A server as {@link #server()}; with {@code https}, also an HTTPS listener serving a self-signed
     * certificate for {@link HttpScenario#HOST} made for this run ({@link SelfSigned}).
     */
    Server server(boolean https) throws Exception {
        Path config = dir.resolve("server.toml");
        // Every load generator is one source (127.0.0.1): the per-source caps that protect a public
        // server from one stranger (100 TCP connections per tunnel, 256 HTTP connections) would cap the
        // streams and memory scenarios' 10,000 and 1,000 connections instead.
        Files.writeString(config, String.join("\n", "[limits]",
                "max_tunnels_per_client = " + MAX_TUNNELS_PER_CLIENT,
                "max_connections_per_source = " + MAX_CONNECTIONS_PER_SOURCE,
                "[http]",
                "max_connections_per_source = " + MAX_CONNECTIONS_PER_SOURCE, ""));
        List<String> args = new ArrayList<>(List.of("server", "--config", config.toString(),
                "--bind", "127.0.0.1:0", "--http-bind", "127.0.0.1:0", "--key", dir.resolve("server.key").toString(),
                "--tokens-file", secret("tokens.txt").toString()));
        if (https) {
            // no redirect: the plain HTTP rows go on being served as plain HTTP
            args.addAll(List.of("--https-bind", "127.0.0.1:0", "--https-cert", SelfSigned.write(dir, HttpScenario.HOST),
                    "--https-redirect", "off"));
        }
        Proc server = procs.start("loomtunnel server", dir, command(args.toArray(String[]::new)));
        String id = server.await("server id\\s+([a-z2-7]{52})", START).group(1);
        int control = Integer.parseInt(server.await("control\\s+127\\.0\\.0\\.1:(\\d+)", START).group(1));
        int http = Integer.parseInt(server.await("http\\s+127\\.0\\.0\\.1:(\\d+)", START).group(1));
        int httpsPort = https ? Integer.parseInt(server.await("https\\s+127\\.0\\.0\\.1:(\\d+)", START).group(1)) : -1;
        return new Server(server, id, control, http, httpsPort);
    }

    /** A client of {@code server} with the given tunnel flags ({@code --tcp NAME=0:HOST:PORT} ...). */
    Proc client(Server server, List<String> tunnelFlags) throws Exception {
        List<String> args = new ArrayList<>(List.of("client", "--server", "127.0.0.1:" + server.controlPort(),
                "--server-id", server.id(), "--token-file", tokenFile().toString()));
        args.addAll(tunnelFlags);
        return procs.start("loomtunnel client", dir, command(args.toArray(String[]::new)));
    }

    /** The client's token file (mode 0600), also for library clients in another process. */
    Path tokenFile() throws IOException {
        return secret("token.txt");
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(Procs.javaBinary()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private Path secret(String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            Files.writeString(file, TOKEN + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return file;
    }
}
