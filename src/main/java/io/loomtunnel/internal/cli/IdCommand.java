package io.loomtunnel.internal.cli;

import io.loomtunnel.tls.Identity;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loomtunnel id}: prints the id of a key file, the value peers pin. */
@Command(name = "id", mixinStandardHelpOptions = true,
        description = "Print the id (fingerprint) of a key, the value peers pin.",
        footer = {"", "Example:", "  loomtunnel id --key ~/.loomtunnel/server.key"})
final class IdCommand implements Callable<Integer> {
    @Option(names = "--key", required = true, paramLabel = "FILE", description = "The key file (PEM).")
    Path key;

    @Override
    public Integer call() throws Exception {
        System.out.println(Identity.load(key).id());
        return ExitCode.OK;
    }
}
