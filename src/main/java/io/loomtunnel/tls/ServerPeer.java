package io.loomtunnel.tls;

import java.io.IOException;
import java.util.Vector;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsUtils;

/** BC's server callbacks, restricted to our TLS 1.3 profile and requiring a client key. */
final class ServerPeer extends DefaultTlsServer {

    private final PeerAuth auth;
    private final SocketOutput out;

    ServerPeer(PeerAuth auth, SocketOutput out) {
        super(auth.backend.crypto());
        this.auth = auth;
        this.out = out;
    }

    /**
     * BC writes no alert before it has read a ClientHello (it has no record version yet), so bytes
     * that are not TLS would get a bare close: the output sends such an alert itself (docs/SECURITY.md).
     */
    @Override
    public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
        super.notifyAlertRaised(alertLevel, alertDescription, message, cause);
        if (alertLevel == AlertLevel.fatal) {
            out.fatalAlertRaised(alertDescription);
        }
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return PeerAuth.versions();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return auth.backend.cipherSuites();
    }

    /** The server's backend knows which cipher is fast on its machine, so its order wins. */
    @Override
    protected boolean preferLocalCipherSuites() {
        return true;
    }

    @Override
    public int[] getSupportedGroups() {
        return PeerAuth.GROUPS.clone();
    }

    @Override
    @SuppressWarnings("rawtypes")
    protected Vector getProtocolNames() {
        return PeerAuth.protocolNames();
    }

    /** Every client must show a key: TLS 1.3 CertificateRequest with an empty context. */
    @Override
    public CertificateRequest getCertificateRequest() throws IOException {
        return new CertificateRequest(TlsUtils.EMPTY_BYTES, PeerAuth.signatureAlgorithms(), null, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        auth.checkPeer(clientCertificate);
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
        return auth.credentials(context, TlsUtils.EMPTY_BYTES);
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        auth.completed(context);
    }
}
