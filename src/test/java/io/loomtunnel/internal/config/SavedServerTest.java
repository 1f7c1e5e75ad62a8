package io.loomtunnel.internal.config;

import static io.loomtunnel.internal.config.ConfigTestFiles.ID_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.tls.PeerId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedServerTest {
    private static final InetSocketAddress SERVER = InetSocketAddress.createUnresolved("tunnel.example.org", 7835);

    @TempDir Path dir;

    @Test
    void directoryFollowsXdgConfigHomeElseHome() {
        assertEquals(Path.of("/x/loomtunnel"), SavedServer.dir(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h")));
        assertEquals(Path.of("/h/.config/loomtunnel"), SavedServer.dir(Map.of("HOME", "/h")));
        assertEquals(Path.of("/h/.config/loomtunnel"), SavedServer.dir(Map.of("XDG_CONFIG_HOME", " ", "HOME", "/h")));
        assertEquals(Path.of("/h/.config/loomtunnel"), SavedServer.dir(Map.of("XDG_CONFIG_HOME", "relative", "HOME", "/h")),
                "the XDG spec: a relative path is invalid and ignored");
        assertEquals(Path.of(System.getProperty("user.home"), ".config", "loomtunnel"), SavedServer.dir(Map.of()));
    }

    @Test
    void savedFilesArePrivateAndReadAsAClientConfig() throws IOException {
        Path saved = dir.resolve("config/loomtunnel");
        Path key = dir.resolve("my \"odd\" key");
        Path config = SavedServer.save(saved, SERVER, PeerId.parse(ID_1), "s3cret", key);

        assertEquals("rwx------", mode(saved));
        assertEquals("rwx------", mode(saved.getParent()), "a missing parent is made 0700 too, as XDG asks");
        assertEquals("rw-------", mode(config));
        assertEquals("rw-------", mode(saved.resolve("token")));
        assertFalse(Files.readString(config).contains("s3cret"), "the token lives in its own file");
        ClientSettings s = load(config);
        assertEquals(SERVER, s.server());
        assertEquals(PeerId.parse(ID_1), s.serverId());
        assertEquals("s3cret", s.token());
        assertEquals(key.toAbsolutePath(), s.keyFile());
        try (var leftovers = Files.list(saved)) {
            assertEquals(2, leftovers.count(), "no temporary file left");
        }
    }

    @Test
    void savingAgainReplacesAndTightensAnExistingDirectory() throws IOException {
        Path saved = Files.createDirectories(dir.resolve("loomtunnel"));
        Files.setPosixFilePermissions(saved, PosixFilePermissions.fromString("rwxr-xr-x"));
        SavedServer.save(saved, SERVER, PeerId.parse(ID_1), "first", null);
        Path config = SavedServer.save(saved, InetSocketAddress.createUnresolved("other.example.org", 1234), PeerId.parse(ID_1), null, null);

        assertEquals("rwx------", mode(saved));
        assertFalse(Files.exists(saved.resolve("token")), "a login without token drops the old one");
        ClientSettings s = load(config);
        assertEquals(InetSocketAddress.createUnresolved("other.example.org", 1234), s.server());
        assertNull(s.token());
        assertNull(s.keyFile());
    }

    @Test
    void removeDeletesConfigAndTokenAndSaysWhetherThereWasOne() throws IOException {
        Path saved = dir.resolve("loomtunnel");
        assertFalse(SavedServer.remove(saved));
        SavedServer.save(saved, SERVER, PeerId.parse(ID_1), "s3cret", null);
        Files.writeString(saved.resolve("client.key"), "kept");
        assertTrue(SavedServer.remove(saved));
        try (var left = Files.list(saved)) {
            assertEquals(java.util.List.of(saved.resolve("client.key")), left.toList());
        }
    }

    @Test
    void tomlStringsEscapeQuotesBackslashesAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\u000ad\"", SavedServer.string("a\"b\\c\nd"));
    }

    private static ClientSettings load(Path config) {
        ClientSettings.Builder b = ClientSettings.builder();
        ClientConfigLoader.apply(config, Map.of(), b);
        return b.build();
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
