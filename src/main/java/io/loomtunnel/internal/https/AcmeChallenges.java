package io.loomtunnel.internal.https;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    private final Map<String, Map<String, String>> http01 = new ConcurrentHashMap<>();
    private final Map<String, CertifiedKey> tlsAlpn01 = new ConcurrentHashMap<>();

    public void putHttp01(String host, String token, String keyAuthorization) {
        http01.computeIfAbsent(host, h -> new ConcurrentHashMap<>()).put(token, keyAuthorization);
    }

    public void removeHttp01(String host) {
        http01.remove(host);
    }

    /** The challenge certificate and its key, as the platform's own classes (acme4j makes BouncyCastle ones, which JSSE refuses). */
    public void putTlsAlpn01(String host, java.security.PrivateKey key, java.security.cert.X509Certificate certificate)
            throws java.io.IOException {
        java.security.cert.X509Certificate platform;
        try {
            platform = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(certificate.getEncoded()));
        } catch (java.security.cert.CertificateException e) {
            throw new java.io.IOException("the TLS-ALPN-01 certificate: " + e.getMessage());
        }
        tlsAlpn01.put(host, new CertifiedKey(PemFiles.platformKey(key), new java.security.cert.X509Certificate[] {platform},
                java.util.List.of(host)));
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
