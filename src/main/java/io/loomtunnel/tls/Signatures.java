package io.loomtunnel.tls;

import java.util.Arrays;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 signatures over application data with an endpoint's identity key, e.g. the
 * peer-to-peer signaling blocks, so a block can be traced to the key whose id TLS later pins.
 */
public final class Signatures {
    /** Raw Ed25519 public key length (RFC 8032). */
    public static final int PUBLIC_KEY_BYTES = Ed25519PublicKeyParameters.KEY_SIZE;
    /** Ed25519 signature length (RFC 8032). */
    public static final int SIGNATURE_BYTES = Ed25519PublicKeyParameters.KEY_SIZE * 2;

    private Signatures() {}

    /**
     * The identity's raw 32-byte public key, as carried next to a signature.
     *
     * @param identity the signer
     * @return 32 bytes
     */
    public static byte[] publicKey(Identity identity) {
        return identity.key().generatePublicKey().getEncoded();
    }

    /**
     * The id of a raw 32-byte Ed25519 public key (the same id TLS derives from a certificate).
     *
     * @param rawPublicKey 32 bytes
     * @return the id
     */
    public static PeerId idOf(byte[] rawPublicKey) {
        if (rawPublicKey.length != PUBLIC_KEY_BYTES) {
            throw new IllegalArgumentException("Ed25519 key must be " + PUBLIC_KEY_BYTES + " bytes, got " + rawPublicKey.length);
        }
        return PeerId.of(new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), rawPublicKey));
    }

    /**
     * Signs {@code message} (pure Ed25519, no context).
     *
     * @param identity the signer
     * @param message the bytes to sign
     * @return the 64-byte signature
     */
    public static byte[] sign(Identity identity, byte[] message) {
        return sign(identity.key(), message);
    }

    static byte[] sign(Ed25519PrivateKeyParameters key, byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /**
     * True when {@code signature} is {@code rawPublicKey}'s signature over {@code message}; false for any malformed input.
     *
     * @param rawPublicKey the signer's 32-byte key
     * @param message the signed bytes
     * @param signature the 64-byte signature
     * @return whether it checks out
     */
    public static boolean verify(byte[] rawPublicKey, byte[] message, byte[] signature) {
        if (rawPublicKey.length != PUBLIC_KEY_BYTES || signature.length != SIGNATURE_BYTES) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        try {
            verifier.init(false, new Ed25519PublicKeyParameters(Arrays.copyOf(rawPublicKey, PUBLIC_KEY_BYTES)));
        } catch (IllegalArgumentException e) {
            return false;
        }
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }
}
