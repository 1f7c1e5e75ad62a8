package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.EOFException;
import java.io.IOException;

/**
 * The chunked decoder on arbitrary bytes: it ends in the end of the body, a MalformedHttpException
 * or (at the end of the input) an EOFException, never another exception; it never yields more
 * bytes than it was given, nor asks the stream for more than its buffer.
 * Seeds: src/test/resources/io/loomtunnel/internal/http/ChunkedInputFuzzTestInputs/decode/.
 */
class ChunkedInputFuzzTest {
    private static final int BUFFER = 256;

    @FuzzTest
    void decode(byte[] data) {
        TrickleInputStream stream = new TrickleInputStream(data);
        ChunkedInput chunked = new ChunkedInput(new BufferedInput(stream, t -> { }, BUFFER));
        byte[] out = new byte[100];
        long decoded = 0;
        try {
            for (int n; (n = chunked.read(out, 0, out.length)) >= 0; ) {
                assertTrue(n > 0, "a read of zero bytes");
                decoded += n;
            }
        } catch (MalformedHttpException e) {
            // a clean "bad request"
        } catch (EOFException e) {
            assertTrue(stream.atEnd(), "EOFException before the end of the input");
        } catch (IOException e) {
            fail("neither the end, a MalformedHttpException nor an EOFException", e);
        }
        assertTrue(decoded <= data.length, "decoded more bytes than the input holds");
        assertTrue(stream.largestRequest() <= Math.max(BUFFER, out.length), "read more than the buffer at once");
    }
}
