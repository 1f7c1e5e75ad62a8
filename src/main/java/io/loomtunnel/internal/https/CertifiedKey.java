package io.loomtunnel.internal.https;

import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * A private key with its certificate chain (leaf first) and the DNS names the leaf covers: its
 * subjectAltName DNS entries, or its subject's CN when it has none. Names may be wildcards
 * ({@code *.example.org}, one label deep, RFC 6125 6.4.3).
 */
record CertifiedKey(PrivateKey key, X509Certificate[] chain, List<String> names) {
    private static final int SAN_DNS = 2;
    private static final Pattern CN = Pattern.compile("(?:^|,)CN=([^,]+)");

    static CertifiedKey of(PrivateKey key, List<X509Certificate> chain) throws CertificateParsingException {
        if (chain.isEmpty()) {
            throw new CertificateParsingException("no certificate");
        }
        X509Certificate leaf = chain.getFirst();
        if (!keyType(leaf.getPublicKey().getAlgorithm()).equals(keyType(key.getAlgorithm()))) {
            throw new CertificateParsingException("the key is " + key.getAlgorithm() + " but the certificate's is "
                    + leaf.getPublicKey().getAlgorithm());
        }
        List<String> names = new ArrayList<>();
        if (leaf.getSubjectAlternativeNames() != null) {
            for (List<?> san : leaf.getSubjectAlternativeNames()) {
                if (((Integer) san.get(0)) == SAN_DNS) {
                    names.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                }
            }
        }
        if (names.isEmpty()) {
            Matcher m = CN.matcher(leaf.getSubjectX500Principal().getName(X500Principal.RFC2253));
            if (m.find()) {
                names.add(m.group(1).toLowerCase(Locale.ROOT));
            }
        }
        return new CertifiedKey(key, chain.toArray(X509Certificate[]::new), List.copyOf(names));
    }

    /** When the leaf stops being valid. */
    Date notAfter() {
        return chain[0].getNotAfter();
    }

    /** The key algorithm as JSSE's key managers name key types: RSA, EC, EdDSA, RSASSA-PSS. */
    String keyType() {
        return keyType(key.getAlgorithm());
    }

    /** BouncyCastle calls EC keys ECDSA; JSSE asks for EC. */
    private static String keyType(String algorithm) {
        return algorithm.equals("ECDSA") ? "EC" : algorithm;
    }
}
