package io.loomtunnel.internal.https;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.util.CertificateUtils;
import org.shredzone.acme4j.util.KeyPairUtils;

/**
 * The ACME challenges being validated now (RFC 8555 8.3, RFC 8737): HTTP-01 key authorizations by
 * host and token, answered by the HTTP listener at {@code /.well-known/acme-challenge/TOKEN}; and
 * TLS-ALPN-01 certificates by host, presented by the HTTPS listener to {@code acme-tls/1}
 * handshakes. The ACME client adds one before it asks the CA to validate and removes it after.
 * Concurrent maps: written by the ACME thread, read by connection threads.
 */
public final class AcmeChallenges {
    /** The path prefix of HTTP-01 requests. */
    public static final String HTTP01_PREFIX = "/.well-known/acme-challenge/";
    /** The ALPN protocol of TLS-ALPN-01 validation. */
    public static final String ACME_TLS = "acme-tls/1";
    /**
     * The TLS-ALPN-01 certificate's RSA key size. RSA because acme4j (3.5.1 and its master alike)
     * signs that certificate with SHA256withRSA whatever the key: an EC key fails ("Could not build
     * certificate", caused by "cannot create signer").
     */
    private static final int CHALLENGE_RSA_BITS = 2048;

    private final Map<String, Map<String, String>> http01 = new ConcurrentHashMap<>();
    private final Map<String, CertifiedKey> tlsAlpn01 = new ConcurrentHashMap<>();

    public void putHttp01(String host, String token, String keyAuthorization) {
        http01.computeIfAbsent(host, h -> new ConcurrentHashMap<>()).put(token, keyAuthorization);
    }

    public void removeHttp01(String host) {
        http01.remove(host);
    }

    /**
     * Makes and holds the TLS-ALPN-01 certificate of {@code host} (RFC 8737 3: self-signed, the
     * host its only subjectAltName, the critical acmeIdentifier extension holding
     * {@code acmeValidation}) with a new key of its own.
     *
     * @param acmeValidation the SHA-256 of the key authorization (acme4j's {@code getAcmeValidation()})
     */
    public void putTlsAlpn01(String host, byte[] acmeValidation) throws IOException {
        KeyPair key = KeyPairUtils.createKeyPair(CHALLENGE_RSA_BITS);
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(
                    CertificateUtils.createTlsAlpn01Certificate(key, Identifier.dns(host), acmeValidation).getEncoded()));
        } catch (CertificateException | IllegalArgumentException e) {
            throw new IOException("the TLS-ALPN-01 certificate of " + host + " could not be made", e);
        }
        // as the platform's classes, which JSSE takes, whichever provider made them
        tlsAlpn01.put(host, new CertifiedKey(PemFiles.platformKey(key.getPrivate()), new X509Certificate[] {certificate}, List.of(host)));
    }

    public void removeTlsAlpn01(String host) {
        tlsAlpn01.remove(host);
    }

    /** True while an HTTP-01 validation of {@code host} is under way. */
    boolean http01Pending(String host) {
        return http01.containsKey(host);
    }

    /** The key authorization for {@code token} of {@code host}, or null. */
    String http01(String host, String token) {
        Map<String, String> tokens = http01.get(host);
        return tokens == null ? null : tokens.get(token);
    }

    /** The TLS-ALPN-01 certificate for {@code host}, or null. */
    CertifiedKey tlsAlpn01(String host) {
        return tlsAlpn01.get(host);
    }
}
