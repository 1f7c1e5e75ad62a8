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
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the key; must not exist, its directory must (except ~/.loomtunnel, created 0700).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out)) {
            throw new UsageException(out + " already exists; choose another --out or remove it first");
        }
        Path parent = out.toAbsolutePath().getParent();
        // Only the default key directory is created (0700, by Identity.save): a typo elsewhere must not become a new tree.
        if (parent != null && Files.notExists(parent) && !parent.normalize().equals(defaultKeyDirectory())) {
            throw new UsageException("directory " + parent + " does not exist; create it first or choose another --out");
        }
        Identity identity = Identity.generate();
        identity.save(out);
        System.out.println(identity.id());
        return ExitCode.OK;
    }

    /** ~/.loomtunnel, where the server keeps its key by default. */
    private static Path defaultKeyDirectory() {
        return Path.of(System.getProperty("user.home"), ".loomtunnel").toAbsolutePath().normalize();
    }
}
