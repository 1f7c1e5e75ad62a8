package io.loomtunnel.internal.nostr;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * BIP-340 on arbitrary bytes: verification answers true or false for any 32-byte key, 64-byte
 * signature and message, and refuses other lengths with IllegalArgumentException only; what a
 * valid key signs verifies, and one flipped bit does not. Seeds (key || signature || message, the
 * official vectors among them): src/test/resources/io/loomtunnel/internal/nostr/Bip340FuzzTestInputs/.
 */
class Bip340FuzzTest {

    @FuzzTest
    void verify(byte[] data) {
        if (data.length >= 96) {
            Bip340.verify(Arrays.copyOfRange(data, 96, data.length), Arrays.copyOfRange(data, 0, 32),
                    Arrays.copyOfRange(data, 32, 96));
        }
        int keyLength = Math.min(data.length, data.length % 40);
        int sigLength = Math.min(data.length - keyLength, (data.length / 40) % 70);
        byte[] key = Arrays.copyOfRange(data, 0, keyLength);
        byte[] sig = Arrays.copyOfRange(data, keyLength, keyLength + sigLength);
        try {
            Bip340.verify(Arrays.copyOfRange(data, keyLength + sigLength, data.length), key, sig);
        } catch (IllegalArgumentException e) {
            assertTrue(key.length != 32 || sig.length != 64, "refused well-sized input: " + e.getMessage());
        }
    }

    /** secret (32) || aux (32) || message: a usable secret signs, the signature verifies, a flipped bit breaks it. */
    @FuzzTest
    void signThenVerify(byte[] data) {
        if (data.length < 64) {
            return;
        }
        byte[] secret = Arrays.copyOfRange(data, 0, 32);
        byte[] message = Arrays.copyOfRange(data, 64, data.length);
        if (!Bip340.isValidSecretKey(secret)) {
            return;
        }
        byte[] key = Bip340.publicKey(secret);
        byte[] sig = Bip340.sign(message, secret, Arrays.copyOfRange(data, 32, 64));
        assertTrue(Bip340.verify(message, key, sig));
        int bit = (data[0] & 0xff) % (sig.length * 8);
        sig[bit / 8] ^= (byte) (1 << (bit % 8));
        assertFalse(Bip340.verify(message, key, sig));
    }
}
