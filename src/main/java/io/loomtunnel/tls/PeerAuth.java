package io.loomtunnel.tls;

import java.io.IOException;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.DefaultTlsCredentialedSigner;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;

/**
 * One handshake's profile and authentication, shared by the client and server sides: what we
 * offer, the credentials we show, and the check of the peer's key against the verifier.
 */
final class PeerAuth {

    /** X25519 only: every supported peer has it, and one group means no HelloRetryRequest. */
    static final int[] GROUPS = {NamedGroup.x25519};
    /** ALPN: lets a future incompatible wire protocol be told apart at handshake time. */
    static final ProtocolName ALPN = ProtocolName.asUtf8Encoding("loomtunnel/1");

    final TlsBackend backend;
    private final Identity identity;
    private final PeerVerifier verifier;
    private PeerId peer;
    private PeerRejectedException rejection;
    private SecurityParameters negotiated;

    PeerAuth(TlsBackend backend, Identity identity, PeerVerifier verifier) {
        this.backend = backend;
        this.identity = identity;
        this.verifier = verifier;
    }

    /** TLS 1.3 only: nothing older needs to talk to us, and 1.3 alone encrypts certificates. */
    static ProtocolVersion[] versions() {
        return ProtocolVersion.TLSv13.only();
    }

    /** Ed25519 is the only scheme we sign with and the only one we accept, in handshakes and certificates. */
    static Vector<SignatureAndHashAlgorithm> signatureAlgorithms() {
        return vectorOf(SignatureAndHashAlgorithm.ed25519);
    }

    static Vector<Integer> groups() {
        Vector<Integer> v = new Vector<>(GROUPS.length);
        for (int g : GROUPS) {
            v.add(g);
        }
        return v;
    }

    static Vector<ProtocolName> protocolNames() {
        return vectorOf(ALPN);
    }

    /**
     * Our certificate and an Ed25519 signer for CertificateVerify. {@code requestContext} is empty
     * for the server and echoes the server's CertificateRequest for the client (RFC 8446 4.4.2).
     */
    TlsCredentialedSigner credentials(TlsContext context, byte[] requestContext) throws IOException {
        TlsCrypto crypto = context.getCrypto();
        Certificate chain = new Certificate(requestContext,
                new CertificateEntry[] {new CertificateEntry(crypto.createCertificate(identity.certificate()), null)});
        return new DefaultTlsCredentialedSigner(new TlsCryptoParameters(context),
                backend.signer(crypto, identity), chain, SignatureAndHashAlgorithm.ed25519);
    }

    /**
     * Identifies the peer by its certificate's key and asks the verifier. Runs before BC checks the
     * peer's CertificateVerify, which BC verifies with this same certificate's key (TlsUtils
     * .verify13CertificateVerify*): a peer that shows someone else's certificate fails there.
     */
    void checkPeer(Certificate chain) throws IOException {
        if (chain == null || chain.isEmpty()) {
            throw reject(AlertDescription.certificate_required, "peer presented no certificate");
        }
        if (chain.getLength() != 1) {
            throw reject(AlertDescription.bad_certificate,
                    "peer presented " + chain.getLength() + " certificates, expected one self-signed");
        }
        PeerId id;
        try {
            id = PeerId.of(org.bouncycastle.asn1.x509.Certificate
                    .getInstance(chain.getCertificateAt(0).getEncoded()).getSubjectPublicKeyInfo());
        } catch (RuntimeException e) {
            throw reject(AlertDescription.bad_certificate, "peer certificate unusable: " + e.getMessage());
        }
        try {
            verifier.verify(id);
        } catch (PeerRejectedException e) {
            rejection = e;
            throw new TlsFatalAlert(AlertDescription.access_denied, e.getMessage(), e);
        }
        peer = id;
    }

    /** Called by BC once both Finished messages verified. */
    void completed(TlsContext context) {
        negotiated = context.getSecurityParametersConnection();
    }

    /** What the completed handshake agreed on. */
    SecurityParameters negotiated() {
        return negotiated;
    }

    /** The verified peer, or null before {@link #checkPeer} accepted one. */
    PeerId peer() {
        return peer;
    }

    /** Why we refused the peer, or null if we did not. */
    PeerRejectedException rejection() {
        return rejection;
    }

    private TlsFatalAlert reject(short alert, String message) {
        rejection = new PeerRejectedException(message);
        return new TlsFatalAlert(alert, message, rejection);
    }

    @SafeVarargs
    private static <T> Vector<T> vectorOf(T... items) {
        Vector<T> v = new Vector<>(items.length);
        for (T item : items) {
            v.add(item);
        }
        return v;
    }
}
