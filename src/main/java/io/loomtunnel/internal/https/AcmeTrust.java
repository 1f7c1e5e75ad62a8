package io.loomtunnel.internal.https;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.AbstractAcmeProvider;

/**
 * An acme4j provider for any https:// directory whose server certificate is checked against one
 * given CA file instead of the system's (a test CA such as Pebble's, or a private ACME CA).
 */
final class AcmeTrust extends AbstractAcmeProvider {
    private final SSLContext tls;

    AcmeTrust(Path caPem) throws IOException {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new IOException(caPem + ": no certificate in it");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
        } catch (GeneralSecurityException e) {
            throw new IOException(caPem + ": not a PEM CA certificate (" + e.getMessage() + ")");
        }
    }

    @Override
    public boolean accepts(URI serverUri) {
        return "https".equals(serverUri.getScheme());
    }

    @Override
    public URL resolve(URI serverUri) {
        try {
            return serverUri.toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(serverUri + ": " + e.getMessage());
        }
    }

    @Override
    protected HttpConnector createHttpConnector(NetworkSettings settings) {
        return new HttpConnector(settings) {
            @Override
            public HttpClient.Builder createClientBuilder() {
                return super.createClientBuilder().sslContext(tls);
            }
        };
    }
}
