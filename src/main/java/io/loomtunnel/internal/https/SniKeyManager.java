package io.loomtunnel.internal.https;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server side of JSSE's key choice: the certificate of the {@link CertificateStore} for the
 * handshake's SNI host name and offered key type (or, for ACME TLS-ALPN-01, the challenge
 * certificate of the name). Server only; JSSE calls it on the handshaking thread.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    /** Certificates by alias, and the alias for a server name and key type. */
    interface Source {
        String choose(String serverName, String keyType);

        CertifiedKey byAlias(String alias);
    }

    private final Source store;

    SniKeyManager(Source store) {
        this.store = store;
    }

    /** Serves the certificate {@code byName} gives for the server name, under the name as alias. */
    SniKeyManager(java.util.function.Function<String, CertifiedKey> byName) {
        this(new Source() {
            @Override
            public String choose(String serverName, String keyType) {
                CertifiedKey c = serverName == null ? null : byName.apply(serverName);
                return c != null && c.keyType().equals(keyType) ? serverName : null;
            }

            @Override
            public CertifiedKey byAlias(String alias) {
                return byName.apply(alias);
            }
        });
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return socket instanceof SSLSocket s ? store.choose(serverName(s.getHandshakeSession()), keyType) : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return store.choose(serverName(engine.getHandshakeSession()), keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        CertifiedKey c = store.byAlias(alias);
        return c == null ? null : c.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        CertifiedKey c = store.byAlias(alias);
        return c == null ? null : c.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null; // JSSE asks chooseServerAlias; listing every alias is not needed
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    private static String serverName(SSLSession handshake) {
        if (handshake instanceof ExtendedSSLSession e) {
            List<SNIServerName> names = e.getRequestedServerNames();
            for (SNIServerName n : names) {
                if (n instanceof SNIHostName h) {
                    return h.getAsciiName().toLowerCase(java.util.Locale.ROOT);
                }
            }
        }
        return null;
    }
}
