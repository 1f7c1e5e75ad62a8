package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** The service behind every tunnel, a process of its own: echo and sink/source by the mode byte ({@link Echo}). */
public final class EchoService {
    private EchoService() {}

    /** {@code EchoService PORT} (0 = any); prints {@code listening 127.0.0.1:PORT} and serves until killed. */
    public static void main(String[] args) throws IOException {
        TcpServiceLoop.run(Integer.parseInt(args[0]), EchoService::serve);
    }

    private static void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            switch (in.read()) {
                case Echo.ECHO -> {
                    // small messages only, on up to 10,000 connections at once (streams): a small buffer each
                    byte[] buffer = new byte[Echo.ECHO_BUFFER];
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        out.write(buffer, 0, n);
                    }
                }
                case Echo.CONNECT -> out.write(in.readNBytes(Echo.CONNECT_SIZE));
                case Echo.SINK -> {
                    Echo.receive(in, new byte[Echo.CHUNK], Echo.readLength(in));
                    out.write(1);
                }
                case Echo.SOURCE -> Echo.send(out, new byte[Echo.CHUNK], Echo.readLength(in));
                default -> { } // a readiness probe, or a peer that closed at once
            }
        } catch (IOException e) {
            // the load generator went away; its own result says so
        }
    }
}
