package io.loomtunnel.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Key files shipped with the tests, copied out with the mode a test needs. */
final class TestKeys {
    private TestKeys() {}

    static String resource(String name) throws IOException {
        try (InputStream in = TestKeys.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    static Path copy(String name, Path dir, String mode) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, resource(name), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }
}
