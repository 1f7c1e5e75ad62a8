package io.loomtunnel.tls;

import java.security.SecureRandom;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsEd25519Signer;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsEd25519Signer;

/**
 * Which implementation encrypts records: both speak the same TLS 1.3 profile and interoperate.
 *
 * <p>Locking: none. {@code crypto} is made lazily and volatile; two threads racing may each make
 * one, and either may stay (they are stateless factories).
 */
public enum TlsBackend {

    /**
     * BouncyCastle's TLS over the JDK's own providers. AES-GCM only: the JDK compiles it to AES-NI
     * and carry-less-multiply instructions, several times faster than pure-Java ciphers. (BC asks
     * JCA for ChaCha20 as "ChaCha7539", a name the JDK's providers do not know.)
     */
    JCA(CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_AES_128_GCM_SHA256) {
        @Override
        TlsCrypto newCrypto() {
            return new JcaTlsCryptoProvider().create(new SecureRandom());
        }

        @Override
        TlsSigner signer(TlsCrypto crypto, Identity identity) {
            return new JcaTlsEd25519Signer((JcaTlsCrypto) crypto, identity.jdkKey());
        }
    },

    /**
     * BouncyCastle's pure-Java crypto. ChaCha20-Poly1305 first: without hardware help it beats
     * AES-GCM, and it does not depend on the JDK's providers.
     */
    BC(CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384,
            CipherSuite.TLS_AES_128_GCM_SHA256) {
        @Override
        TlsCrypto newCrypto() {
            return new BcTlsCrypto(new SecureRandom());
        }

        @Override
        TlsSigner signer(TlsCrypto crypto, Identity identity) {
            return new BcTlsEd25519Signer((BcTlsCrypto) crypto, identity.key());
        }
    };

    /** JCA until benchmarks of the full tunnel say otherwise. */
    public static final TlsBackend DEFAULT = JCA;

    private final int[] cipherSuites;
    /** Crypto objects are thread-safe factories; one per backend serves every connection. */
    private volatile TlsCrypto crypto;

    TlsBackend(int... cipherSuites) {
        this.cipherSuites = cipherSuites;
    }

    /** TLS 1.3 suites in this backend's order of preference. */
    int[] cipherSuites() {
        return cipherSuites.clone();
    }

    TlsCrypto crypto() {
        TlsCrypto c = crypto;
        if (c == null) {
            c = newCrypto(); // a racing thread may make a second one; either is fine to keep
            crypto = c;
        }
        return c;
    }

    abstract TlsCrypto newCrypto();

    /** Signs CertificateVerify with the identity's key, using this backend's crypto. */
    abstract TlsSigner signer(TlsCrypto crypto, Identity identity);

    /** The IANA name of a TLS 1.3 cipher suite. */
    static String suiteName(int suite) {
        return switch (suite) {
            case CipherSuite.TLS_AES_128_GCM_SHA256 -> "TLS_AES_128_GCM_SHA256";
            case CipherSuite.TLS_AES_256_GCM_SHA384 -> "TLS_AES_256_GCM_SHA384";
            case CipherSuite.TLS_CHACHA20_POLY1305_SHA256 -> "TLS_CHACHA20_POLY1305_SHA256";
            default -> String.format("0x%04X", suite);
        };
    }
}
