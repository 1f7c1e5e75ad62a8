package io.loomtunnel.tls;

import java.io.IOException;
import java.util.Vector;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerCertificate;

/** BC's client callbacks, restricted to our TLS 1.3 profile and authenticating the server by key. */
final class ClientPeer extends DefaultTlsClient {

    private final PeerAuth auth;

    ClientPeer(PeerAuth auth) {
        super(auth.backend.crypto());
        this.auth = auth;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return PeerAuth.versions();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return auth.backend.cipherSuites();
    }

    @Override
    @SuppressWarnings("rawtypes")
    protected Vector getSupportedGroups(Vector namedGroupRoles) {
        return PeerAuth.groups();
    }

    @Override
    @SuppressWarnings("rawtypes")
    protected Vector getSupportedSignatureAlgorithms() {
        return PeerAuth.signatureAlgorithms();
    }

    @Override
    @SuppressWarnings("rawtypes")
    protected Vector getProtocolNames() {
        return PeerAuth.protocolNames();
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                auth.checkPeer(serverCertificate.getCertificate());
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                return auth.credentials(context, request.getCertificateRequestContext());
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        auth.completed(context);
    }
}
