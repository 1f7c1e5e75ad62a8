package io.loomtunnel.internal.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** The rule for files of secrets (keys, tokens), as ssh has it: nobody but the owner may access them. */
public final class SecretFile {
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private SecretFile() {}

    /**
     * What is wrong with the file's permissions, e.g. {@code readable by others (mode 0644)}, or
     * null when only its owner has access, or when the file system has no POSIX modes to compare.
     *
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     */
    public static String exposure(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return null; // e.g. Windows ACLs: nothing comparable to check
        }
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        if (OWNER_ONLY.containsAll(perms)) {
            return null;
        }
        boolean readable = perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ);
        return (readable ? "readable" : "accessible") + " by others (mode " + octal(perms) + ")";
    }

    private static String octal(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal()); // the enum is declared in rwxrwxrwx order
        }
        return String.format("0%03o", mode);
    }
}
