package io.loomtunnel.internal.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes the files a config test needs, with the mode it needs. */
final class ConfigTestFiles {
    /** Two valid client key ids (52 base32 characters ending in 'a' or 'q'). */
    static final String ID_1 = "g3lokvwndanvrb2r7absyxlqzdf4on3eicjgfcuajc5zrgvrtuwa";
    static final String ID_2 = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrsq";

    private ConfigTestFiles() {}

    static Path write(Path dir, String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    /** A file of secrets, mode 0600 as loomtunnel requires. */
    static Path secret(Path dir, String name, String text) throws IOException {
        Path file = write(dir, name, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
