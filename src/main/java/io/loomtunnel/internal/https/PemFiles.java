package io.loomtunnel.internal.https;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads a certificate chain and its private key from PEM files as web servers take them (nginx's
 * ssl_certificate / ssl_certificate_key): the chain leaf first, the key in PKCS#8 ("PRIVATE KEY")
 * or the traditional RSA/EC forms, unencrypted. Both may be in one file.
 */
final class PemFiles {
    private PemFiles() {
    }

    /** The key and chain of the files; the message says what is wrong in one line. */
    static CertifiedKey load(Path certificateFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(certificateFile)) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            factory.generateCertificates(in).forEach(c -> chain.add((X509Certificate) c));
        } catch (CertificateException e) {
            throw new IOException(certificateFile + ": not a PEM certificate chain (" + e.getMessage() + ")");
        }
        if (chain.isEmpty()) {
            throw new IOException(certificateFile + ": no certificate in it");
        }
        try {
            return CertifiedKey.of(privateKey(keyFile), chain);
        } catch (CertificateException e) {
            throw new IOException(certificateFile + ": " + e.getMessage());
        }
    }

    /** True if the file's POSIX mode lets its group or others read it (false where there are no POSIX modes). */
    static boolean othersMayRead(Path file) {
        try {
            var modes = Files.getPosixFilePermissions(file);
            return modes.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
                    || modes.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * The same key as the platform's own key class: BouncyCastle's converter names EC keys ECDSA
     * (and makes BouncyCastle keys once that provider is installed), which JSSE does not take.
     */
    static PrivateKey platformKey(PrivateKey key) throws IOException {
        String algorithm = key.getAlgorithm().equals("ECDSA") ? "EC" : key.getAlgorithm();
        try {
            return java.security.KeyFactory.getInstance(algorithm).generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("a " + algorithm + " key the platform cannot use: " + e.getMessage());
        }
    }

    private static PrivateKey privateKey(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file); PEMParser pem = new PEMParser(r)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o; (o = pem.readObject()) != null; ) {
                if (o instanceof PrivateKeyInfo info) {
                    return platformKey(converter.getPrivateKey(info));
                }
                if (o instanceof PEMKeyPair pair) {
                    return platformKey(converter.getKeyPair(pair).getPrivate());
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a readable PEM private key (" + e.getMessage() + ")");
        }
        throw new IOException(file + ": no unencrypted private key in it");
    }
}
