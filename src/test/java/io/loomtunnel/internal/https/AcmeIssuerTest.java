package io.loomtunnel.internal.https;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.InvalidKeyException;
import org.bouncycastle.operator.OperatorCreationException;
import org.junit.jupiter.api.Test;

/** The ACME client's one-line failure reason: the message with its causes'. */
class AcmeIssuerTest {
    @Test
    void theFailureLineNamesTheCausesOnOneLine() {
        Exception acme4j = new IllegalArgumentException("Could not build certificate",
                new OperatorCreationException("cannot create signer: Supplied key (ECPrivateKey)\nis not a RSAPrivateKey instance",
                        new InvalidKeyException("Supplied key (ECPrivateKey)\nis not a RSAPrivateKey instance")));
        assertEquals("Could not build certificate: cannot create signer: Supplied key (ECPrivateKey) is not a RSAPrivateKey instance",
                AcmeIssuer.oneLine(acme4j), "each cause once, whitespace folded");
        assertEquals("java.net.SocketTimeoutException: Read timed out", AcmeIssuer.oneLine(new IOException(new SocketTimeoutException("Read timed out"))),
                "a wrapper's message that already names its cause");
        assertEquals("NullPointerException", AcmeIssuer.oneLine(new NullPointerException()));
    }

    @Test
    void aCauseLoopEnds() {
        IOException a = new IOException("a");
        IOException b = new IOException("b", a);
        a.initCause(b);
        assertEquals("a: b", AcmeIssuer.oneLine(a));
    }
}
