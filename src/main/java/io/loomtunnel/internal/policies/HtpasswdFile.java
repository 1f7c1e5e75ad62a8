package io.loomtunnel.internal.policies;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * An htpasswd file that is read again when it changes (its modification time or size), looked at
 * at most once a second. A changed file that cannot be used keeps the previous users and logs one
 * line, once per change; the first read must succeed.
 *
 * <p>Locking: {@code this} guards the fields; reading the file happens under it, which makes
 * concurrent checks during a reload wait for it rather than read the file twice. A leaf lock.
 */
public final class HtpasswdFile {
    private static final long LOOK_EVERY_NANOS = 1_000_000_000L;
    private static final int MAX_BYTES = 4 << 20;

    private final Path path;
    private final LongSupplier nanoClock;
    private final Consumer<String> log;
    private Htpasswd users;
    private Object version;
    private long lookedAt;

    private HtpasswdFile(Path path, LongSupplier nanoClock, Consumer<String> log) {
        this.path = path;
        this.nanoClock = nanoClock;
        this.log = log;
    }

    /**
     * Reads the file now.
     *
     * @param log where a failed reload is reported (one line)
     * @throws PolicyException when the file cannot be read or used
     */
    public static HtpasswdFile open(Path path, LongSupplier nanoClock, Consumer<String> log) {
        HtpasswdFile file = new HtpasswdFile(path, nanoClock, log);
        try {
            file.version = file.version();
            file.users = file.read();
        } catch (IOException e) {
            throw new PolicyException(path + ": cannot read: " + reason(e));
        }
        file.lookedAt = nanoClock.getAsLong();
        return file;
    }

    /** Whether the password is the user's, by the file as it is now (at most a second old). */
    public boolean verify(String user, String password) {
        return current().verify(user, password);
    }

    synchronized Htpasswd current() {
        long now = nanoClock.getAsLong();
        if (now - lookedAt < LOOK_EVERY_NANOS) {
            return users;
        }
        lookedAt = now;
        try {
            Object seen = version();
            if (!Objects.equals(seen, version)) {
                version = seen;
                users = read();
            }
        } catch (IOException e) {
            log.accept(path + ": cannot read, keeping the previous users: " + reason(e));
        } catch (PolicyException e) {
            log.accept(e.getMessage() + "; keeping the previous users");
        }
        return users;
    }

    private Object version() throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
        FileTime modified = a.lastModifiedTime();
        return modified + "/" + a.size() + "/" + a.fileKey();
    }

    private Htpasswd read() throws IOException {
        if (Files.size(path) > MAX_BYTES) {
            throw new PolicyException(path + ": larger than " + (MAX_BYTES >> 20) + " MiB");
        }
        return Htpasswd.parse(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        return e instanceof java.nio.charset.CharacterCodingException ? "not UTF-8 text" : String.valueOf(e.getMessage());
    }
}
