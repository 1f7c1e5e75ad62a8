package io.loomtunnel.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTest {

    @TempDir Path dir;

    @Test
    void saveCreatesOwnerOnlyFileThatLoadsBack() throws Exception {
        Identity id = Identity.generate();
        Path file = dir.resolve("sub/identity.pem");
        id.save(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertTrue(Files.readString(file).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertEquals(id.id(), Identity.load(file).id());
    }

    @Test
    void saveRefusesToOverwrite() throws Exception {
        Path file = dir.resolve("identity.pem");
        Files.writeString(file, "precious");
        var e = assertThrows(IdentityException.class, () -> Identity.generate().save(file));
        assertEquals("key file " + file + " already exists; not overwriting it", e.getMessage());
        assertEquals("precious", Files.readString(file));
    }

    @Test
    void loadsOpensslKeyWithExpectedId() throws Exception {
        Path file = TestKeys.copy("openssl-ed25519.pem", dir, "rw-------");
        assertEquals(TestKeys.resource("openssl-ed25519.id").strip(), Identity.load(file).id().value());
    }

    @Test
    void loadRefusesKeyReadableByOthers() throws Exception {
        Path file = TestKeys.copy("openssl-ed25519.pem", dir, "rw-r--r--");
        var e = assertThrows(IdentityException.class, () -> Identity.load(file));
        assertEquals("key file " + file + " is readable by others (mode 0644); run chmod 600 " + file,
                e.getMessage());
    }

    @Test
    void loadRefusesFileThatIsNotAKey() throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "hello\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        var e = assertThrows(IdentityException.class, () -> Identity.load(file));
        assertEquals(file + " is not an Ed25519 private key in PEM format", e.getMessage());
    }

    @Test
    void loadRefusesOtherKeyTypes() throws Exception {
        Path file = TestKeys.copy("p256.pem", dir, "rw-------");
        var e = assertThrows(IdentityException.class, () -> Identity.load(file));
        assertTrue(e.getMessage().startsWith(file + " holds a key of type 1.2.840.10045.2.1"), e.getMessage());
    }

    @Test
    void loadReportsMissingFile() {
        Path file = dir.resolve("absent.pem");
        var e = assertThrows(IdentityException.class, () -> Identity.load(file));
        assertEquals("key file " + file + " does not exist", e.getMessage());
    }

    @Test
    void loadOrCreateCreatesOnceThenLoads() throws Exception {
        Path file = dir.resolve("identity.pem");
        Identity first = Identity.loadOrCreate(file);
        Identity second = Identity.loadOrCreate(file);
        assertEquals(first.id(), second.id());
    }

    @Test
    void theCertificateIsSelfSignedByTheKeyAndTheJdkKeyIsTheSameKey() throws Exception {
        Identity identity = Identity.generate();
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(identity.certificate()));
        cert.verify(cert.getPublicKey()); // throws if the signature is not the key's
        assertEquals("Ed25519", cert.getSigAlgName());
        assertEquals(identity.id(), PeerId.of(cert.getPublicKey()));
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(identity.jdkKey());
        jdk.update(new byte[] {1, 2, 3});
        assertTrue(Signatures.verify(Signatures.publicKey(identity), new byte[] {1, 2, 3}, jdk.sign()), "the JDK key signs as the key");
        assertSame(identity.jdkKey(), identity.jdkKey(), "made once");
    }
}
