package io.loomtunnel.internal.https;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The ClientHello parser on arbitrary bytes: it returns a hello or throws NotAClientHelloException,
 * never another exception; a server name it returns is a lowercase DNS name; and the record reader,
 * given the same bytes as one record, agrees with the parser and hands back exactly the bytes it read.
 * Seeds (handshake bodies of openssl and curl): src/test/resources/io/loomtunnel/internal/https/ClientHelloFuzzTestInputs/parse/.
 */
class ClientHelloFuzzTest {
    @FuzzTest
    void parse(byte[] data) {
        ClientHello direct;
        try {
            direct = ClientHello.parse(data);
        } catch (NotAClientHelloException e) {
            direct = null;
        }
        if (direct != null && direct.serverName() != null) {
            String n = direct.serverName();
            assertTrue(n.length() <= 253 && n.chars().allMatch(c -> c == '.' || c == '-' || c == '_'
                    || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')), "not a lowercase DNS name: " + n);
        }
        if (data.length + 4 > 16_384) {
            return;
        }
        byte[] record = ClientHelloTest.record(ClientHelloTest.handshake(data));
        try {
            ClientHelloReader.Peeked p = ClientHelloReader.read(new ByteArrayInputStream(record));
            assertEquals(direct, p.hello(), "the reader and the parser disagree");
            assertArrayEquals(record, p.raw());
        } catch (NotAClientHelloException e) {
            assertEquals(null, direct, "the reader refused what the parser took");
        } catch (IOException e) {
            fail("neither a hello nor NotAClientHelloException", e);
        }
    }
}
