package io.loomtunnel.internal.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.server.ServerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The TOML loaders on arbitrary bytes as a config file: each run ends with the builder set or a
 * ConfigException of one line naming the file, never another exception. The file's directory
 * holds a tokens file, an authorized-keys file and a token file, so seeds that name them reach
 * those parsers too. Seeds: src/test/resources/io/loomtunnel/internal/config/ConfigLoaderFuzzTestInputs/.
 */
class ConfigLoaderFuzzTest {
    private static final Path DIR = directory();

    @FuzzTest
    void server(byte[] toml) {
        load("server.toml", file -> ServerConfigLoader.applyToml(file, toml, ServerSettings.builder()));
    }

    @FuzzTest
    void client(byte[] toml) {
        load("client.toml", file -> ClientConfigLoader.applyToml(file, toml, ClientSettings.builder()));
    }

    private static void load(String name, Consumer<Path> loader) {
        Path file = DIR.resolve(name);
        try {
            loader.accept(file);
        } catch (ConfigException e) {
            String m = e.getMessage();
            assertTrue(m.startsWith(file + ":"), () -> "does not name the file: " + m);
            assertFalse(m.lines().count() > 1 || m.chars().anyMatch(Character::isISOControl), () -> "not one line: " + m);
        }
    }

    private static Path directory() {
        try {
            Path dir = Files.createTempDirectory("loomtunnel-config-fuzz");
            ConfigTestFiles.secret(dir, "tokens.txt", "# tokens\ns3cret 10000-20000,30000\nother\n");
            ConfigTestFiles.secret(dir, "token.txt", "s3cret\n");
            ConfigTestFiles.write(dir, "authorized_keys", ConfigTestFiles.ID_1 + " 2222\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
