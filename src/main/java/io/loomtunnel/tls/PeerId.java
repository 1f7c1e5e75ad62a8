package io.loomtunnel.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Locale;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * An endpoint's printable identity: base32 (RFC 4648, lowercase, unpadded) of SHA-256 over its raw Ed25519 key.
 *
 * @param value the 52 lowercase base32 characters
 */
public record PeerId(String value) {

    /** 32 digest bytes = 256 bits = 51.2 base32 digits, so 52 characters without padding. */
    public static final int LENGTH = 52;

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    private static final int RAW_ED25519_KEY_BYTES = 32;

    /** Checks the text: 52 base32 characters; upper case is folded. */
    public PeerId {
        value = checked(value);
    }

    /**
     * The id of an Ed25519 public key (any provider's; it is read from the standard X.509 encoding).
     *
     * @param key an Ed25519 public key
     * @return its id
     */
    public static PeerId of(PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (encoded == null) {
            throw new IllegalArgumentException("public key has no X.509 encoding: " + key.getAlgorithm());
        }
        return of(SubjectPublicKeyInfo.getInstance(encoded));
    }

    /** The id of the Ed25519 key in a certificate's SubjectPublicKeyInfo. */
    static PeerId of(SubjectPublicKeyInfo info) {
        if (!EdECObjectIdentifiers.id_Ed25519.equals(info.getAlgorithm().getAlgorithm())) {
            throw new IllegalArgumentException("not an Ed25519 key: algorithm " + info.getAlgorithm().getAlgorithm());
        }
        byte[] raw = info.getPublicKeyData().getOctets();
        if (raw.length != RAW_ED25519_KEY_BYTES) {
            throw new IllegalArgumentException("Ed25519 key must be 32 bytes, got " + raw.length);
        }
        return new PeerId(base32(sha256(raw)));
    }

    /**
     * Parses a printed id; surrounding whitespace is ignored, letters may be in either case.
     *
     * @param text a printed id
     * @return the id
     * @throws IllegalArgumentException when it is not one
     */
    public static PeerId parse(String text) {
        return new PeerId(text.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * The first 12 characters: enough to tell ids apart in logs (60 bits), too short to pin.
     *
     * @return the first 12 characters
     */
    public String abbreviated() {
        return value.substring(0, 12);
    }

    @Override
    public String toString() {
        return value;
    }

    private static String checked(String value) {
        if (value == null) {
            throw new IllegalArgumentException("peer id must not be null");
        }
        if (value.length() != LENGTH) {
            throw new IllegalArgumentException(
                    "peer id must be " + LENGTH + " base32 characters, got " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            if (ALPHABET.indexOf(value.charAt(i)) < 0) {
                throw new IllegalArgumentException("peer id may contain only a-z and 2-7, got '"
                        + value.charAt(i) + "' at position " + (i + 1));
            }
        }
        // The last digit carries the digest's 256th bit and 4 zero pad bits; only 'a' or 'q' keep
        // ids one-to-one with digests, so two spellings can never name the same key.
        if ((ALPHABET.indexOf(value.charAt(LENGTH - 1)) & 0x0f) != 0) {
            throw new IllegalArgumentException(
                    "peer id must end in 'a' or 'q', got '" + value.charAt(LENGTH - 1) + "'");
        }
        return value;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String base32(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET.charAt((buffer >>> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }
}
