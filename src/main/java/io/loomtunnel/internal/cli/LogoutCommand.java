package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.config.SavedServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code loomtunnel logout}: forgets the server {@code login} saved. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Forget the server that login saved (its client.toml and token; a key file stays).")
final class LogoutCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        Path dir = SavedServer.dir(System.getenv());
        System.out.println(SavedServer.remove(dir) ? "removed the saved server from " + dir : "no server saved in " + dir);
        return ExitCode.OK;
    }
}
