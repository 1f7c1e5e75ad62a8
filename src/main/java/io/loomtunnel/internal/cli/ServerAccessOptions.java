package io.loomtunnel.internal.cli;

import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.internal.config.TokenFile;
import io.loomtunnel.tls.PeerId;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The flags that say whom a client trusts and how it proves itself: the server's pinned id, the token, its own key; a picocli mixin. */
final class ServerAccessOptions {
    @Option(names = "--server-id", paramLabel = "ID", description = "The server's key id (loomtunnel id --key, on the server).")
    String serverId;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the token (or set LOOMTUNNEL_TOKEN).")
    Path tokenFile;

    @Option(names = "--key", paramLabel = "FILE", description = "Client identity key, created if missing (default: a new key each run).")
    Path key;

    /** Sets what was given on the command line; the rest keeps the config file's and environment's values. */
    void applyTo(ClientSettings.Builder b) {
        if (serverId != null) {
            b.serverId(FlagValue.parse("--server-id", serverId, PeerId::parse));
        }
        if (tokenFile != null) {
            b.token(TokenFile.read(tokenFile));
        }
        if (key != null) {
            b.keyFile(key);
        }
    }
}
