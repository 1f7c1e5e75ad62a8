package io.loomtunnel.internal.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** htpasswd files: bcrypt only, one-line errors naming file and line, reloads, unknown users checked against a dummy. */
class HtpasswdTest {
    static String bcrypt(String version, String password) {
        return OpenBSDBCrypt.generate(version, password.toCharArray(), new byte[16], 4);
    }

    @Test
    void everyBcryptVersionIsAcceptedAndChecked() {
        Htpasswd h = Htpasswd.parse("f", "# users\n\nalice:" + bcrypt("2y", "wonder") + "\r\nbob:" + bcrypt("2a", "builder")
                + "\ncarol:" + bcrypt("2b", "singer") + "\n");
        assertEquals(3, h.size());
        assertTrue(h.verify("alice", "wonder"));
        assertTrue(h.verify("alice", "wonder"), "the remembered right password");
        assertFalse(h.verify("alice", "wonderland"));
        assertTrue(h.verify("bob", "builder"));
        assertTrue(h.verify("carol", "singer"));
        assertFalse(h.verify("dave", "wonder"), "unknown user");
        assertFalse(h.verify("alice", "x".repeat(100)), "over bcrypt's 72 bytes: refused, no exception");
    }

    @Test
    void otherSchemesAreRefusedNamingFileAndLine() {
        assertEquals("users.htpasswd:2: not a bcrypt hash (MD5 $apr1$); only bcrypt is accepted: htpasswd -B",
                assertThrows(PolicyException.class, () -> Htpasswd.parse("users.htpasswd",
                        "a:" + bcrypt("2y", "p") + "\nb:$apr1$abc$defghijklmnopqrstuvwx1\n")).getMessage());
        assertEquals("f:1: not a bcrypt hash (SHA-1 {SHA}); only bcrypt is accepted: htpasswd -B",
                assertThrows(PolicyException.class, () -> Htpasswd.parse("f", "a:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=")).getMessage());
        assertEquals("f:1: expected user:hash", assertThrows(PolicyException.class, () -> Htpasswd.parse("f", "nocolon")).getMessage());
        assertEquals("f:2: user listed twice", assertThrows(PolicyException.class,
                () -> Htpasswd.parse("f", "a:" + bcrypt("2y", "p") + "\na:" + bcrypt("2y", "q"))).getMessage());
        String costly = bcrypt("2y", "p").replace("$04$", "$17$");
        assertEquals("f:1: bcrypt cost 17 is outside 4..16", assertThrows(PolicyException.class,
                () -> Htpasswd.parse("f", "a:" + costly)).getMessage());
    }

    @Test
    void anUnknownUserIsCheckedAgainstADummyOfTheFilesHighestCost() {
        Htpasswd h = Htpasswd.parse("f", "a:" + bcrypt("2y", "p") + "\nb:" + OpenBSDBCrypt.generate("2y", "q".toCharArray(), new byte[16], 6));
        assertTrue(h.dummy().startsWith("$2y$06$"), "as slow as the slowest real check, not a cheap miss");
        assertFalse(h.verify("nobody", "q"));
    }

    @Test
    void aChangedFileIsReadAgainAndABrokenOneKeepsTheOldUsers(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("users");
        Files.writeString(f, "alice:" + bcrypt("2y", "one") + "\n");
        long[] now = {0};
        List<String> log = new ArrayList<>();
        HtpasswdFile file = HtpasswdFile.open(f, () -> now[0], log::add);
        assertTrue(file.verify("alice", "one"));
        Files.writeString(f, "alice:" + bcrypt("2y", "two") + "\nbob:" + bcrypt("2y", "three") + "\n");
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 2000));
        assertTrue(file.verify("alice", "one"), "looked at no more than once a second");
        now[0] += 1_000_000_000L;
        assertTrue(file.verify("alice", "two"));
        assertTrue(file.verify("bob", "three"));
        Files.writeString(f, "alice:$apr1$x$y\n");
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 4000));
        now[0] += 1_000_000_000L;
        assertTrue(file.verify("alice", "two"), "kept");
        assertEquals(List.of(f + ":1: not a bcrypt hash (MD5 $apr1$); only bcrypt is accepted: htpasswd -B; keeping the previous users"),
                log);
        now[0] += 1_000_000_000L;
        file.verify("alice", "two");
        assertEquals(1, log.size(), "one line per change");
        assertEquals(dir.resolve("none") + ": cannot read: no such file",
                assertThrows(PolicyException.class, () -> HtpasswdFile.open(dir.resolve("none"), () -> 0, log::add)).getMessage());
    }
}
