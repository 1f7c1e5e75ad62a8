package io.loomtunnel.internal.cli;

import io.loomtunnel.tls.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loomtunnel keygen}: writes a new Ed25519 identity key and prints its id. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Write a new Ed25519 key (PEM, mode 0600) and print its id.",
        footer = {"", "Example:", "  loomtunnel keygen --out ~/.loomtunnel/server.key"})
final class KeygenCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the key; must not exist.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out)) {
            throw new UsageException(out + " already exists; choose another --out or remove it first");
        }
        Identity identity = Identity.generate();
        identity.save(out);
        System.out.println(identity.id());
        return ExitCode.OK;
    }
}
