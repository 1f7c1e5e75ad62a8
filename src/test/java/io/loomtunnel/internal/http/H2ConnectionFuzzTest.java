package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.internal.h2.FrameReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * A whole HTTP/2 connection fed arbitrary frames after the preface: whatever they hold, the
 * connection ends (GOAWAY or the end of the input), every stream thread it started is joined, and
 * nothing but an I/O failure escapes; apps answer nothing (every host is unknown: 404), so this is
 * about the frame layer, HPACK, windows, limits and stream lifecycle.
 * Seeds: src/test/resources/io/loomtunnel/internal/http/H2ConnectionFuzzTestInputs/frames/.
 */
class H2ConnectionFuzzTest {
    @FuzzTest
    void frames(byte[] data) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Socket visitor = new FakeSocket(new SequenceInputStream(new ByteArrayInputStream(FrameReader.PREFACE),
                    new ByteArrayInputStream(data)));
            HttpConnectionHandler handler = new HttpConnectionHandler(visitor, host -> null, HttpIngressConfig.defaults(),
                    new IngressLog(line -> { }, System::nanoTime), h -> { }, false);
            handler.run(); // returns once the input is read and every stream has ended
        });
    }

    /** A visitor's socket whose bytes are given and whose answers are dropped. */
    private static final class FakeSocket extends Socket {
        private final InputStream in;

        FakeSocket(InputStream in) throws java.net.SocketException {
            super((java.net.SocketImpl) null);
            this.in = in;
        }

        @Override
        public InputStream getInputStream() {
            return in;
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public SocketAddress getRemoteSocketAddress() {
            return new InetSocketAddress("127.0.0.1", 40000);
        }

        @Override
        public void setSoTimeout(int timeout) {
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
        }
    }
}
