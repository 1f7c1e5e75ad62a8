package io.loomtunnel.tls;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.operator.ContentSigner;

/**
 * Signs a certificate with BouncyCastle's own Ed25519 (RFC 8410's algorithm identifier), without
 * the JCA: BouncyCastle's JCA signer builder looked the algorithm up through the JDK's providers,
 * which cost each start of a server or client ~20 ms (async-profiler) before its first handshake.
 */
final class Ed25519ContentSigner implements ContentSigner {
    private final Ed25519PrivateKeyParameters key;
    /** Ed25519 signs the whole message at once (it hashes it twice): what is to be signed, a certificate's TBS part. */
    private final ByteArrayOutputStream signed = new ByteArrayOutputStream(256);

    Ed25519ContentSigner(Ed25519PrivateKeyParameters key) {
        this.key = key;
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);
    }

    @Override
    public OutputStream getOutputStream() {
        return signed;
    }

    @Override
    public byte[] getSignature() {
        return Signatures.sign(key, signed.toByteArray());
    }
}
