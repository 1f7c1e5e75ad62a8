package io.loomtunnel.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The HTTPS listener of the server's HTTP virtual hosts (docs/HTTP.md, "HTTPS"): where it listens,
 * its PEM certificates (chosen by the visitor's server name, reloaded when the files change), the
 * TLS versions, the redirect the HTTP listener answers for hosts served over HTTPS, and HSTS.
 * Build one in place with {@link ServerSettings.Builder#https()}.
 *
 * @param bind where the HTTPS listener listens, or null for none
 * @param certificates the certificates; the first is the default for names no certificate covers
 * @param allowTls12 also accept TLS 1.2 (some webhook senders lack 1.3); TLS 1.3 only otherwise
 * @param redirectStatus 308 or 301: what the HTTP listener answers for a host served over HTTPS; 0: serve it over HTTP too
 * @param hsts the Strict-Transport-Security value added to HTTPS responses, e.g. {@code max-age=31536000}, or null
 * @param acme automatic certificates, or {@link Acme#OFF}
 */
public record HttpsSettings(InetSocketAddress bind, List<Pem> certificates, boolean allowTls12, int redirectStatus, String hsts,
                            Acme acme) {
    /** No HTTPS listener. */
    public static final HttpsSettings NONE = new HttpsSettings(null, List.of(), false, 308, null, Acme.OFF);

    /**
     * Automatic certificates from an ACME CA (RFC 8555), for the hosts of HTTP tunnels.
     *
     * @param directory the CA's directory URL (e.g. Let's Encrypt's), or null for no ACME
     * @param email the account's contact address, or null
     * @param ca a PEM file of the CA that signs the directory's TLS certificate (a test CA such as Pebble's), or null for the system's
     * @param challenge http-01 or tls-alpn-01; null: http-01 with an HTTP listener, else tls-alpn-01
     * @param hosts the hosts to get certificates for; empty: every host an HTTP tunnel claims (not passthrough ones), when claimed
     * @param stateDir where the account key and the certificates are kept (mode 0600); null: {@code acme} beside the server's key
     */
    public record Acme(java.net.URI directory, String email, Path ca, String challenge, List<String> hosts, Path stateDir) {
        /** No ACME. */
        public static final Acme OFF = new Acme(null, null, null, null, List.of(), null);

        /** Checks the challenge name. */
        public Acme {
            hosts = List.copyOf(hosts);
            if (challenge != null && !challenge.equals("http-01") && !challenge.equals("tls-alpn-01")) {
                throw new IllegalArgumentException("the ACME challenge must be http-01 or tls-alpn-01, got '" + challenge + "'");
            }
            if (directory != null && !"https".equals(directory.getScheme())) {
                throw new IllegalArgumentException("the ACME directory must be an https:// URL, got '" + directory + "'");
            }
        }
    }

    /**
     * One certificate: PEM files as web servers take them (one file may hold both).
     *
     * @param certificate the chain, leaf first
     * @param key the unencrypted private key (keep it mode 0600)
     */
    public record Pem(Path certificate, Path key) {
        /** Checks that both paths are given. */
        public Pem {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(key, "key");
        }

        /**
         * Parses {@code CERT.pem:KEY.pem}, or one path holding both.
         *
         * @param text the flag's or key's value
         * @return the pair
         */
        public static Pem parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                return new Pem(Path.of(text), Path.of(text));
            }
            if (colon == text.length() - 1) {
                throw new IllegalArgumentException("'" + text + "' names no key file after ':'");
            }
            return new Pem(Path.of(text.substring(0, colon)), Path.of(text.substring(colon + 1)));
        }
    }

    /** Checks the redirect status and the HSTS value; a listener needs a certificate. */
    public HttpsSettings {
        certificates = List.copyOf(certificates);
        if (redirectStatus != 0 && redirectStatus != 301 && redirectStatus != 308) {
            throw new IllegalArgumentException("the HTTPS redirect must be 308, 301 or off, got " + redirectStatus);
        }
        if (hsts != null && (hsts.isBlank() || hsts.chars().anyMatch(c -> c < 0x20 || c > 0x7e))) {
            throw new IllegalArgumentException("the HSTS value must be printable ASCII, e.g. max-age=31536000");
        }
        Objects.requireNonNull(acme, "acme");
        if (bind != null && certificates.isEmpty() && acme.directory() == null) {
            throw new IllegalArgumentException("the HTTPS listener has no certificate: give --https-cert CERT.pem:KEY.pem"
                    + " or --acme-directory URL");
        }
        if (bind == null && acme.directory() != null) {
            throw new IllegalArgumentException("ACME needs the HTTPS listener: give --https-bind");
        }
    }

    /**
     * Parses the redirect setting.
     *
     * @param text 308, 301 or off
     * @return the status, 0 for off
     */
    public static int parseRedirect(String text) {
        return switch (text) {
            case "308" -> 308;
            case "301" -> 301;
            case "off" -> 0;
            default -> throw new IllegalArgumentException("the HTTPS redirect must be 308, 301 or off, got '" + text + "'");
        };
    }

    static Builder builder() {
        return new Builder();
    }

    /** Builds HttpsSettings, part of a {@link ServerSettings.Builder}. */
    public static final class Builder {
        private InetSocketAddress bind;
        private final List<Pem> certificates = new ArrayList<>();
        private boolean allowTls12;
        private int redirectStatus = 308;
        private String hsts;
        private java.net.URI acmeDirectory;
        private String acmeEmail;
        private Path acmeCa;
        private String acmeChallenge;
        private final List<String> acmeHosts = new ArrayList<>();
        private Path acmeStateDir;

        private Builder() {}

        /**
         * The ACME CA's directory URL; automatic certificates are off without one.
         *
         * @param url e.g. https://acme-v02.api.letsencrypt.org/directory
         * @return this builder
         */
        public Builder acmeDirectory(java.net.URI url) { acmeDirectory = url; return this; }
        /**
         * The ACME account's contact address.
         *
         * @param address an e-mail address, or null
         * @return this builder
         */
        public Builder acmeEmail(String address) { acmeEmail = address; return this; }
        /**
         * The CA that signs the ACME directory's own TLS certificate, for test and private CAs.
         *
         * @param pem a PEM file, or null for the system's trust
         * @return this builder
         */
        public Builder acmeCa(Path pem) { acmeCa = pem; return this; }
        /**
         * The challenge that proves control of a host.
         *
         * @param name http-01 or tls-alpn-01, or null to choose by the listeners
         * @return this builder
         */
        public Builder acmeChallenge(String name) { acmeChallenge = name; return this; }
        /**
         * The hosts to get certificates for.
         *
         * @param names full host names; empty: every host an HTTP tunnel claims
         * @return this builder
         */
        public Builder acmeHosts(List<String> names) { acmeHosts.clear(); acmeHosts.addAll(names); return this; }
        /**
         * Where the ACME account key and certificates are kept.
         *
         * @param dir a directory, or null for {@code acme} beside the server's key
         * @return this builder
         */
        public Builder acmeStateDir(Path dir) { acmeStateDir = dir; return this; }

        /**
         * Where the HTTPS listener listens.
         *
         * @param address the address, or null for no HTTPS listener
         * @return this builder
         */
        public Builder bind(InetSocketAddress address) { bind = address; return this; }
        /**
         * Adds a certificate; the first one added is the default.
         *
         * @param pem its files
         * @return this builder
         */
        public Builder certificate(Pem pem) { certificates.add(pem); return this; }
        /**
         * Replaces the certificates.
         *
         * @param pems their files, the default first
         * @return this builder
         */
        public Builder certificates(List<Pem> pems) { certificates.clear(); certificates.addAll(pems); return this; }
        /**
         * Whether TLS 1.2 is accepted besides 1.3.
         *
         * @param allow true to accept it
         * @return this builder
         */
        public Builder allowTls12(boolean allow) { allowTls12 = allow; return this; }
        /**
         * The redirect of the HTTP listener for hosts served over HTTPS.
         *
         * @param status 308, 301, or 0 for none
         * @return this builder
         */
        public Builder redirectStatus(int status) { redirectStatus = status; return this; }
        /**
         * The Strict-Transport-Security value of HTTPS responses.
         *
         * @param value e.g. max-age=31536000, or null for none
         * @return this builder
         */
        public Builder hsts(String value) { hsts = value; return this; }

        HttpsSettings build() {
            return new HttpsSettings(bind, certificates, allowTls12, redirectStatus, hsts,
                    new Acme(acmeDirectory, acmeEmail, acmeCa, acmeChallenge, acmeHosts, acmeStateDir));
        }
    }
}
