package io.loomtunnel.tls;

import io.loomtunnel.internal.files.SecretFile;
import java.io.IOException;
import java.io.StringReader;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/** An endpoint's Ed25519 key pair, its {@link PeerId} and the self-signed certificate it shows in TLS. */
public final class Identity {

    private static final String PEM_TYPE = "PRIVATE KEY";
    /** A PEM Ed25519 key is ~120 bytes; anything far larger is not one, so do not read it whole. */
    private static final long MAX_KEY_FILE_BYTES = 16 * 1024;
    /** RFC 5280 4.1.2.5: the value for "no well-defined expiration date". */
    private static final Instant NO_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ALL = PosixFilePermissions.fromString("rwx------");

    private final Ed25519PrivateKeyParameters key;
    /** The key as a JCA PrivateKey, for the JCA TLS back-end: made at the first handshake ({@link #jdkKey}). */
    private volatile PrivateKey jdkKey;
    private final SubjectPublicKeyInfo publicKeyInfo;
    private final PeerId id;
    /** Made once: it costs a signature and peers look only at its key, so one per identity suffices. */
    private final byte[] certificate;

    private Identity(Ed25519PrivateKeyParameters key) {
        this.key = key;
        try {
            this.publicKeyInfo = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key.generatePublicKey());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an Ed25519 public key", e);
        }
        this.id = PeerId.of(publicKeyInfo);
        this.certificate = selfSignedCertificate();
    }

    /**
     * A fresh random identity.
     *
     * @return the identity
     */
    public static Identity generate() {
        return new Identity(new Ed25519PrivateKeyParameters(new SecureRandom()));
    }

    /**
     * Reads a PEM PKCS#8 ("PRIVATE KEY") Ed25519 key, as written by {@link #save} or {@code openssl
     * genpkey -algorithm ed25519}. Like ssh, refuses a file that others may read.
     *
     * @param file the key file
     * @return the identity
     * @throws IOException the file cannot be read, is not an Ed25519 key ({@link IdentityException}), or others may read it
     */
    public static Identity load(Path file) throws IOException {
        requireOwnerOnly(file);
        String text;
        try {
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                throw notAKey(file, null);
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IdentityException("key file " + file + " does not exist", e);
        } catch (CharacterCodingException e) {
            throw notAKey(file, e);
        }
        return new Identity(parse(file, text));
    }

    /**
     * Loads the identity in {@code file}, or generates one and saves it there if the file does not exist.
     *
     * @param file the key file
     * @return the identity
     * @throws IOException as {@link #load} and {@link #save} fail
     */
    public static Identity loadOrCreate(Path file) throws IOException {
        if (Files.notExists(file)) {
            Identity fresh = generate();
            try {
                fresh.save(file);
                return fresh;
            } catch (IdentityException e) {
                if (!(e.getCause() instanceof FileAlreadyExistsException)) {
                    throw e;
                }
                // Another process created it between our check and our save: use theirs.
            }
        }
        return load(file);
    }

    /**
     * Writes the private key as PEM PKCS#8 to a new file. On POSIX file systems the file is created
     * with mode 0600 (and missing parent directories with 0700) so the secret is never readable by
     * others, not even between creation and a later chmod. Never overwrites an existing file.
     *
     * @param file where to write
     * @throws IOException the file exists or cannot be written
     */
    public void save(Path file) throws IOException {
        boolean posix = Files.getFileStore(existingAncestor(file.toAbsolutePath()))
                .supportsFileAttributeView(PosixFileAttributeView.class);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && Files.notExists(parent)) {
            Files.createDirectories(parent, posix ? attributes(OWNER_ALL) : new FileAttribute<?>[0]);
        }
        FileAttribute<?>[] mode = posix ? attributes(OWNER_ONLY) : new FileAttribute<?>[0];
        try (FileChannel channel = FileChannel.open(file,
                        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode);
                Writer out = Channels.newWriter(channel, StandardCharsets.US_ASCII)) {
            out.write(pem());
            out.flush();
            channel.force(true);
        } catch (FileAlreadyExistsException e) {
            throw new IdentityException("key file " + file + " already exists; not overwriting it", e);
        }
    }

    /**
     * The id peers pin this identity by.
     *
     * @return the id
     */
    public PeerId id() {
        return id;
    }

    @Override
    public String toString() {
        return "Identity[" + id.abbreviated() + "]";
    }

    Ed25519PrivateKeyParameters key() {
        return key;
    }

    /**
     * The key for the JDK's crypto, made when first asked for: a lookup through the JCA providers
     * that cost a server's start ~15 ms (async-profiler) and that the first TLS handshake makes anyway.
     */
    PrivateKey jdkKey() {
        PrivateKey k = jdkKey;
        if (k == null) {
            try {
                k = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8().getEncoded()));
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("JDK cannot handle Ed25519 keys (needs Java 15+)", e);
            }
            jdkKey = k; // two threads may both make it: equal keys, either one will do
        }
        return k;
    }

    /** DER of the self-signed X.509 certificate for this key. */
    byte[] certificate() {
        return certificate.clone();
    }

    private PrivateKeyInfo pkcs8() throws IOException {
        return PrivateKeyInfoFactory.createPrivateKeyInfo(key);
    }

    private String pem() throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pkcs8().getEncoded());
        return "-----BEGIN " + PEM_TYPE + "-----\n" + body + "\n-----END " + PEM_TYPE + "-----\n";
    }

    private byte[] selfSignedCertificate() {
        // Peers authenticate us only by the key's fingerprint; the certificate exists because TLS
        // carries keys in certificates. Name, serial and dates are informative and never checked.
        X500Name name = new X500Name("CN=" + id.value());
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name,
                    new BigInteger(63, new SecureRandom()), Date.from(now.minus(1, ChronoUnit.HOURS)),
                    Date.from(NO_EXPIRY), name, publicKeyInfo);
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            return builder.build(new Ed25519ContentSigner(key)).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a self-signed Ed25519 certificate", e);
        }
    }

    private static Ed25519PrivateKeyParameters parse(Path file, String text) throws IdentityException {
        PemObject pem;
        try (PemReader reader = new PemReader(new StringReader(text))) {
            pem = reader.readPemObject();
        } catch (IOException | RuntimeException e) {
            throw notAKey(file, e);
        }
        if (pem == null || !PEM_TYPE.equals(pem.getType())) {
            throw notAKey(file, null);
        }
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(pem.getContent());
        } catch (RuntimeException e) {
            throw notAKey(file, e);
        }
        if (!EdECObjectIdentifiers.id_Ed25519.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
            throw new IdentityException(file + " holds a key of type "
                    + info.getPrivateKeyAlgorithm().getAlgorithm() + ", not an Ed25519 private key");
        }
        try {
            byte[] seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
            return new Ed25519PrivateKeyParameters(seed);
        } catch (IOException | RuntimeException e) {
            throw notAKey(file, e);
        }
    }

    private static void requireOwnerOnly(Path file) throws IOException {
        String exposure;
        try {
            exposure = SecretFile.exposure(file);
        } catch (NoSuchFileException e) {
            throw new IdentityException("key file " + file + " does not exist", e);
        }
        if (exposure != null) {
            throw new IdentityException("key file " + file + " is " + exposure + "; run chmod 600 " + file);
        }
    }

    private static Path existingAncestor(Path path) {
        Path p = path;
        while (p != null && Files.notExists(p)) {
            p = p.getParent();
        }
        return p == null ? path.getRoot() : p;
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> perms) {
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)};
    }

    private static IdentityException notAKey(Path file, Exception cause) {
        return new IdentityException(file + " is not an Ed25519 private key in PEM format", cause);
    }
}
