package io.loomtunnel.internal.nostr;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECMultiplier;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

/**
 * BIP-340 Schnorr signatures over secp256k1 (the signatures of Nostr events), written on
 * BouncyCastle's curve arithmetic, which has the curve but no BIP-340 signer. Keys are x-only (32
 * bytes); messages may have any length (BIP-340 as revised in 2022-12).
 *
 * <p>Side channels. What touches a secret: {@code d·G} and {@code k·G} use BouncyCastle's
 * fixed-point comb multiplier on the base point, whose table lookups read every entry
 * (BC's cache-safe lookup table for its custom curves) and whose step count does not depend on the
 * scalar; the tagged hashes are SHA-256. What does not claim constant time: the scalar arithmetic
 * mod n on secrets ({@code n - d}, {@code n - k}, {@code k + e·d mod n}) uses {@link BigInteger},
 * whose running time follows the operands' lengths, and the parity tests branch on secret-derived
 * points. That is the state of BouncyCastle's own ECDSA too; the keys it protects here are
 * per-process signaling keys that authorize nothing (the tunnel's trust is in Ed25519 and TLS).
 * Verification handles public data only and is variable time ({@link ECAlgorithms#sumOfTwoMultiplies}).
 */
public final class Bip340 {
    /** Bytes of a secret key, an x-only public key, the auxiliary randomness, and a signature. */
    public static final int SECRET_KEY_BYTES = 32;
    public static final int PUBLIC_KEY_BYTES = 32;
    public static final int AUX_BYTES = 32;
    public static final int SIGNATURE_BYTES = 64;

    private static final X9ECParameters SECP256K1 = CustomNamedCurves.getByName("secp256k1");
    private static final ECCurve CURVE = SECP256K1.getCurve();
    private static final ECPoint G = SECP256K1.getG();
    private static final BigInteger N = SECP256K1.getN();
    private static final BigInteger P = CURVE.getField().getCharacteristic();
    private static final ECMultiplier BASE = new FixedPointCombMultiplier();

    private static final TaggedHash AUX = new TaggedHash("BIP0340/aux");
    private static final TaggedHash NONCE = new TaggedHash("BIP0340/nonce");
    private static final TaggedHash CHALLENGE = new TaggedHash("BIP0340/challenge");

    private Bip340() {}

    /**
     * The x-only public key of a secret key.
     *
     * @throws IllegalArgumentException when the secret is not 32 bytes holding 1 to n-1
     */
    public static byte[] publicKey(byte[] secretKey) {
        BigInteger d = secretScalar(secretKey);
        return xOnly(BASE.multiply(G, d).normalize());
    }

    /** True when {@code secretKey} is 32 bytes holding a number from 1 to n-1 (a usable key). */
    public static boolean isValidSecretKey(byte[] secretKey) {
        if (secretKey.length != SECRET_KEY_BYTES) {
            return false;
        }
        BigInteger d = BigIntegers.fromUnsignedByteArray(secretKey);
        return d.signum() > 0 && d.compareTo(N) < 0;
    }

    /**
     * Signs {@code message} (BIP-340's Sign): deterministic for given inputs; {@code auxRand} should
     * be 32 fresh random bytes, which protects the nonce against fault and side-channel attacks.
     * The signature is verified before it is returned, as BIP-340 recommends.
     *
     * @throws IllegalArgumentException when the secret is not a usable key or auxRand is not 32 bytes
     */
    public static byte[] sign(byte[] message, byte[] secretKey, byte[] auxRand) {
        if (auxRand.length != AUX_BYTES) {
            throw new IllegalArgumentException("aux_rand must be " + AUX_BYTES + " bytes, got " + auxRand.length);
        }
        BigInteger d0 = secretScalar(secretKey);
        ECPoint p = BASE.multiply(G, d0).normalize();
        BigInteger d = hasEvenY(p) ? d0 : N.subtract(d0);
        byte[] px = xOnly(p);
        byte[] t = BigIntegers.asUnsignedByteArray(32, d);
        byte[] aux = AUX.hash(auxRand);
        for (int i = 0; i < t.length; i++) {
            t[i] ^= aux[i];
        }
        byte[] rand = NONCE.hash(t, px, message);
        Arrays.fill(t, (byte) 0);
        BigInteger k0 = new BigInteger(1, rand).mod(N);
        Arrays.fill(rand, (byte) 0);
        if (k0.signum() == 0) {
            throw new IllegalStateException("BIP-340 nonce is zero (probability 2^-256)");
        }
        ECPoint r = BASE.multiply(G, k0).normalize();
        BigInteger k = hasEvenY(r) ? k0 : N.subtract(k0);
        byte[] rx = xOnly(r);
        BigInteger e = new BigInteger(1, CHALLENGE.hash(rx, px, message)).mod(N);
        byte[] sig = new byte[SIGNATURE_BYTES];
        System.arraycopy(rx, 0, sig, 0, 32);
        System.arraycopy(BigIntegers.asUnsignedByteArray(32, k.add(e.multiply(d)).mod(N)), 0, sig, 32, 32);
        if (!verify(message, px, sig)) {
            throw new IllegalStateException("the BIP-340 signature just made does not verify (a fault in the arithmetic)");
        }
        return sig;
    }

    /**
     * BIP-340's Verify: true when {@code signature} is {@code publicKey}'s over {@code message}; false
     * for a key that is not on the curve, {@code r >= p}, {@code s >= n} and every other failure.
     *
     * @throws IllegalArgumentException when the key is not 32 bytes or the signature not 64
     */
    public static boolean verify(byte[] message, byte[] publicKey, byte[] signature) {
        if (publicKey.length != PUBLIC_KEY_BYTES) {
            throw new IllegalArgumentException("public key must be " + PUBLIC_KEY_BYTES + " bytes, got " + publicKey.length);
        }
        if (signature.length != SIGNATURE_BYTES) {
            throw new IllegalArgumentException("signature must be " + SIGNATURE_BYTES + " bytes, got " + signature.length);
        }
        ECPoint p = liftX(publicKey);
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        if (p == null || r.compareTo(P) >= 0 || s.compareTo(N) >= 0) {
            return false;
        }
        BigInteger e = new BigInteger(1, CHALLENGE.hash(Arrays.copyOfRange(signature, 0, 32), publicKey, message)).mod(N);
        ECPoint big = ECAlgorithms.sumOfTwoMultiplies(G, s, p, N.subtract(e).mod(N)).normalize();
        return !big.isInfinity() && hasEvenY(big) && big.getAffineXCoord().toBigInteger().equals(r);
    }

    /** The point with x coordinate {@code x} and even y, or null when there is none (x >= p, or not on the curve). */
    private static ECPoint liftX(byte[] xBytes) {
        BigInteger x = new BigInteger(1, xBytes);
        if (x.compareTo(P) >= 0) {
            return null;
        }
        ECFieldElement fx = CURVE.fromBigInteger(x);
        ECFieldElement y = fx.square().multiply(fx).add(CURVE.getB()).sqrt();
        if (y == null) {
            return null;
        }
        if (y.testBitZero()) {
            y = y.negate();
        }
        return CURVE.createPoint(x, y.toBigInteger());
    }

    private static BigInteger secretScalar(byte[] secretKey) {
        if (!isValidSecretKey(secretKey)) {
            throw new IllegalArgumentException("a secret key must be 32 bytes holding a number from 1 to n-1");
        }
        return BigIntegers.fromUnsignedByteArray(secretKey);
    }

    private static boolean hasEvenY(ECPoint normalized) {
        return !normalized.getAffineYCoord().testBitZero();
    }

    private static byte[] xOnly(ECPoint normalized) {
        return normalized.getAffineXCoord().getEncoded();
    }

    /** BIP-340's tagged hash: SHA-256(SHA-256(tag) || SHA-256(tag) || data), the prefix hashed once. */
    private static final class TaggedHash {
        private final SHA256Digest prefixed = new SHA256Digest();

        TaggedHash(String tag) {
            byte[] tagBytes = tag.getBytes(StandardCharsets.UTF_8);
            SHA256Digest d = new SHA256Digest();
            d.update(tagBytes, 0, tagBytes.length);
            byte[] tagHash = new byte[32];
            d.doFinal(tagHash, 0);
            prefixed.update(tagHash, 0, 32);
            prefixed.update(tagHash, 0, 32);
        }

        byte[] hash(byte[]... parts) {
            SHA256Digest d = new SHA256Digest(prefixed); // a copy: the prefix state is shared by all threads, read only
            for (byte[] part : parts) {
                d.update(part, 0, part.length);
            }
            byte[] out = new byte[32];
            d.doFinal(out, 0);
            return out;
        }
    }
}
