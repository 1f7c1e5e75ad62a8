package io.loomtunnel.internal.config;

import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.tls.PeerId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The server {@code loomtunnel login} saves for the quick commands ({@code http}, {@code tcp},
 * {@code udp}): a client config file, {@code client.toml}, and the token beside it in a token file,
 * {@code token}, both mode 0600 in {@code $XDG_CONFIG_HOME/loomtunnel/} (default
 * {@code ~/.config/loomtunnel/}, mode 0700). Two files in the formats docs/CONFIG.md already
 * describes, rather than a new one: the client's file has no {@code token} key on purpose, and
 * {@code loomtunnel client --config} reads the saved file as it is.
 */
public final class SavedServer {
    /** The file name of the saved client config. */
    public static final String CONFIG = "client.toml";
    /** The file name of the saved token, which the config's token_file names. */
    static final String TOKEN = "token";

    private SavedServer() {}

    /**
     * The directory: {@code $XDG_CONFIG_HOME/loomtunnel}, or {@code $HOME/.config/loomtunnel} when
     * that variable is unset, blank or relative (the XDG rules).
     *
     * @param env the environment
     */
    public static Path dir(Map<String, String> env) {
        String xdg = env.getOrDefault("XDG_CONFIG_HOME", "").strip();
        if (!xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "loomtunnel");
        }
        String home = env.getOrDefault("HOME", "").strip();
        return Path.of(home.isEmpty() ? System.getProperty("user.home") : home, ".config", "loomtunnel");
    }

    /**
     * Saves the server, replacing what was saved before; each file is written whole, then renamed.
     *
     * @param dir the directory, made (mode 0700, as missing parents) if needed
     * @param token the token, or null for a server that knows the client by its key
     * @param key the client's key file, or null for a fresh key each run
     * @return the config file written
     */
    public static Path save(Path dir, InetSocketAddress server, PeerId serverId, String token, Path key) throws IOException {
        privateDirectory(dir);
        StringBuilder toml = new StringBuilder()
                .append("# Saved by `loomtunnel login`; read by `loomtunnel http|tcp|udp` and by `loomtunnel client --config`.\n")
                .append("# A client config file (docs/CONFIG.md). `loomtunnel logout` removes it.\n")
                .append("server = ").append(string(HostPort.text(server))).append('\n')
                .append("server_id = ").append(string(serverId.toString())).append('\n');
        if (token != null) {
            writePrivate(dir.resolve(TOKEN), "# the token of " + HostPort.text(server) + ", saved by `loomtunnel login`\n" + token + "\n");
            toml.append("token_file = ").append(string(TOKEN)).append('\n');
        } else {
            Files.deleteIfExists(dir.resolve(TOKEN));
        }
        if (key != null) {
            toml.append("key = ").append(string(key.toAbsolutePath().toString())).append('\n');
        }
        Path config = dir.resolve(CONFIG);
        writePrivate(config, toml.toString());
        return config;
    }

    /**
     * Forgets the saved server: deletes the config and token files (not the directory, nor a key).
     *
     * @return whether a server was saved
     */
    public static boolean remove(Path dir) throws IOException {
        boolean saved = Files.deleteIfExists(dir.resolve(CONFIG));
        return Files.deleteIfExists(dir.resolve(TOKEN)) || saved;
    }

    private static void privateDirectory(Path dir) throws IOException {
        if (!posix(dir)) {
            Files.createDirectories(dir);
            return;
        }
        FileAttribute<?> owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && Files.notExists(parent)) {
            Files.createDirectories(parent, owner); // XDG: made 0700 when missing
        }
        try {
            Files.createDirectory(dir, owner);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** Writes a new file of mode 0600 beside {@code file}, then renames it over {@code file}: never a moment readable by others, never half written. */
    private static void writePrivate(Path file, String content) throws IOException {
        Path dir = file.getParent();
        Path temp = posix(dir)
                ? Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** A TOML basic string. */
    static String string(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
