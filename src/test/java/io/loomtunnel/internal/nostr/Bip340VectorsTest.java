package io.loomtunnel.internal.nostr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every official BIP-340 test vector (bitcoin/bips bip-0340/test-vectors.csv, origin in
 * bip340-test-vectors.ORIGIN beside it): key generation and signing where the row has a secret key,
 * verification with the expected result for every row, the failure rows included.
 */
class Bip340VectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    record Vector(int index, byte[] secretKey, byte[] publicKey, byte[] auxRand, byte[] message, byte[] signature,
                  boolean valid, String comment) {
        @Override
        public String toString() {
            return "#" + index + (comment.isEmpty() ? "" : " (" + comment + ")");
        }
    }

    static List<Vector> vectors() throws IOException {
        String text;
        try (InputStream in = Bip340VectorsTest.class.getResourceAsStream("bip340-test-vectors.csv")) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        List<Vector> out = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        assertEquals("index,secret key,public key,aux_rand,message,signature,verification result,comment", lines[0]);
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            assertEquals(8, f.length, "row " + i);
            out.add(new Vector(Integer.parseInt(f[0]), bytes(f[1]), bytes(f[2]), bytes(f[3]), HEX.parseHex(f[4]), bytes(f[5]),
                    switch (f[6]) {
                        case "TRUE" -> true;
                        case "FALSE" -> false;
                        default -> throw new IllegalStateException("row " + i + ": " + f[6]);
                    }, f[7]));
        }
        return out;
    }

    static Stream<Vector> signingVectors() throws IOException {
        return vectors().stream().filter(v -> v.secretKey() != null);
    }

    @Test
    void theFileHasAllNineteenRows() throws IOException {
        List<Vector> all = vectors();
        assertEquals(19, all.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i, all.get(i).index());
        }
        assertEquals(10, all.stream().filter(v -> !v.valid()).count(), "rows 5 to 14 must fail");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signingVectors")
    void keyGenerationAndSigning(Vector v) {
        assertArrayEquals(v.publicKey(), Bip340.publicKey(v.secretKey()));
        assertArrayEquals(v.signature(), Bip340.sign(v.message(), v.secretKey(), v.auxRand()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void verification(Vector v) {
        assertEquals(v.valid(), Bip340.verify(v.message(), v.publicKey(), v.signature()));
    }

    /** Valid rows stop verifying when any one bit of message, key or signature flips. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void aFlippedBitBreaksAValidSignature(Vector v) {
        if (!v.valid()) {
            return;
        }
        for (int bit = 0; bit < v.signature().length * 8; bit += 7) {
            assertFalse(Bip340.verify(v.message(), v.publicKey(), flip(v.signature(), bit)), "signature bit " + bit);
        }
        for (int bit = 0; bit < v.publicKey().length * 8; bit += 5) {
            assertFalse(Bip340.verify(v.message(), flip(v.publicKey(), bit), v.signature()), "key bit " + bit);
        }
        for (int bit = 0; bit < v.message().length * 8; bit += 3) {
            assertFalse(Bip340.verify(flip(v.message(), bit), v.publicKey(), v.signature()), "message bit " + bit);
        }
    }

    @Test
    void badSecretKeysAndLengthsAreRefusedWithIllegalArgument() {
        byte[] zero = new byte[32];
        byte[] n = HEX.parseHex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
        assertFalse(Bip340.isValidSecretKey(zero));
        assertFalse(Bip340.isValidSecretKey(n));
        assertFalse(Bip340.isValidSecretKey(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> Bip340.publicKey(zero));
        assertThrows(IllegalArgumentException.class, () -> Bip340.sign(new byte[32], n, new byte[32]));
        byte[] three = new byte[32];
        three[31] = 3;
        assertThrows(IllegalArgumentException.class, () -> Bip340.sign(new byte[32], three, new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> Bip340.verify(new byte[32], new byte[33], new byte[64]));
        assertThrows(IllegalArgumentException.class, () -> Bip340.verify(new byte[32], new byte[32], new byte[63]));
        byte[] nMinusOne = n.clone();
        nMinusOne[31]--;
        assertTrue(Bip340.isValidSecretKey(nMinusOne));
        byte[] sig = Bip340.sign("x".getBytes(StandardCharsets.UTF_8), nMinusOne, new byte[32]);
        assertTrue(Bip340.verify("x".getBytes(StandardCharsets.UTF_8), Bip340.publicKey(nMinusOne), sig));
    }

    private static byte[] flip(byte[] in, int bit) {
        byte[] out = in.clone();
        out[bit / 8] ^= (byte) (1 << (bit % 8));
        return out;
    }

    /** An empty column (no secret key, no aux_rand) is null; the message column may be empty and is then 0 bytes. */
    private static byte[] bytes(String hex) {
        return hex.isEmpty() ? null : HEX.parseHex(hex);
    }
}
