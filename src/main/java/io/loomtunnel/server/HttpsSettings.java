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
 */
public record HttpsSettings(InetSocketAddress bind, List<Pem> certificates, boolean allowTls12, int redirectStatus, String hsts) {
    /** No HTTPS listener. */
    public static final HttpsSettings NONE = new HttpsSettings(null, List.of(), false, 308, null);

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
        if (bind != null && certificates.isEmpty()) {
            throw new IllegalArgumentException("the HTTPS listener has no certificate: give --https-cert CERT.pem:KEY.pem");
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

        private Builder() {}

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
            return new HttpsSettings(bind, certificates, allowTls12, redirectStatus, hsts);
        }
    }
}
