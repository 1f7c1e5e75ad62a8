package io.loomtunnel.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PeerIdTest {

    private static final String VALID = "g3lokvwndanvrb2r7absyxlqzdf4on3eicjgfcuajc5zrgvrtuwa";

    /** Vector made outside Java: openssl genpkey, then base32(sha256(raw key)) in Python. */
    @Test
    void idOfKeyMatchesIndependentlyComputedFingerprint() throws Exception {
        String pem = TestKeys.resource("openssl-ed25519.pub.pem");
        byte[] der = Base64.getMimeDecoder().decode(
                pem.replaceAll("-----[A-Z ]+-----", "").strip());
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        assertEquals(TestKeys.resource("openssl-ed25519.id").strip(), PeerId.of(key).value());
    }

    @Test
    void parseRoundTripsAndTrims() {
        PeerId id = Identity.generate().id();
        assertEquals(id, PeerId.parse(id.toString()));
        assertEquals(id, PeerId.parse("  " + id.value().toUpperCase() + "\n"));
        assertEquals(id.value(), id.toString());
        assertEquals(id.value().substring(0, 12), id.abbreviated());
        assertNotEquals(id, Identity.generate().id());
    }

    @Test
    void rejectsWrongLength() {
        var e = assertThrows(IllegalArgumentException.class, () -> PeerId.parse("abcdefghij"));
        assertEquals("peer id must be 52 base32 characters, got 10", e.getMessage());
    }

    @Test
    void rejectsCharactersOutsideAlphabet() {
        var e = assertThrows(IllegalArgumentException.class, () -> PeerId.parse("1" + VALID.substring(1)));
        assertEquals("peer id may contain only a-z and 2-7, got '1' at position 1", e.getMessage());
    }

    @Test
    void rejectsLastCharacterNoDigestEndsWith() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> PeerId.parse(VALID.substring(0, 51) + "b"));
        assertEquals("peer id must end in 'a' or 'q', got 'b'", e.getMessage());
    }
}
