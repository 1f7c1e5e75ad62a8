package io.loomtunnel.internal.nostr;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A Nostr key pair: a secp256k1 secret and its x-only public key (BIP-340). Signing draws fresh
 * auxiliary randomness each time. The secret never leaves this object; {@link #toString} shows the
 * public key only.
 *
 * <p>Thread safety: immutable.
 */
public final class NostrKey {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] secret;
    private final String publicKeyHex;

    private NostrKey(byte[] secret) {
        this.secret = secret;
        this.publicKeyHex = HexFormat.of().formatHex(Bip340.publicKey(secret));
    }

    /** A fresh random key, for one process or one exchange. */
    public static NostrKey generate() {
        byte[] secret = new byte[Bip340.SECRET_KEY_BYTES];
        do {
            RANDOM.nextBytes(secret);
        } while (!Bip340.isValidSecretKey(secret)); // leaves out 0 and n..2^256-1: about 2^-128 of draws
        return new NostrKey(secret);
    }

    /**
     * The key with this secret (for keys derived from other secrets, and tests).
     *
     * @throws IllegalArgumentException when it is not 32 bytes holding 1 to n-1
     */
    public static NostrKey fromSecret(byte[] secret) {
        if (!Bip340.isValidSecretKey(secret)) {
            throw new IllegalArgumentException("a Nostr secret key must be 32 bytes holding a number from 1 to n-1");
        }
        return new NostrKey(secret.clone());
    }

    /** The x-only public key as 64 lowercase hex digits, as events carry it. */
    public String publicKeyHex() {
        return publicKeyHex;
    }

    /** A BIP-340 signature over {@code message} (an event id) with fresh auxiliary randomness. */
    byte[] sign(byte[] message) {
        byte[] aux = new byte[Bip340.AUX_BYTES];
        RANDOM.nextBytes(aux);
        return Bip340.sign(message, secret, aux);
    }

    @Override
    public String toString() {
        return "NostrKey[" + publicKeyHex.substring(0, 16) + "…]";
    }
}
