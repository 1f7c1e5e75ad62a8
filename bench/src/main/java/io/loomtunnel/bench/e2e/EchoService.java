package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** The service behind every tunnel, a process of its own: echo and sink/source by the mode byte ({@link Echo}). */
public final class EchoService {
    private EchoService() {}

    /** {@code EchoService PORT} (0 = any); prints {@code listening 127.0.0.1:PORT} and serves until killed. */
    public static void main(String[] args) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(Echo.LOOPBACK, Integer.parseInt(args[0])), 4096);
            System.out.println("listening 127.0.0.1:" + server.getLocalPort());
            System.out.flush();
            while (true) {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            }
        }
    }

    private static void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[Echo.CHUNK];
            switch (in.read()) {
                case Echo.ECHO -> {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        out.write(buffer, 0, n);
                    }
                }
                case Echo.CONNECT -> out.write(in.readNBytes(Echo.CONNECT_SIZE));
                case Echo.SINK -> {
                    Echo.receive(in, buffer, Echo.readLength(in));
                    out.write(1);
                }
                case Echo.SOURCE -> Echo.send(out, buffer, Echo.readLength(in));
                default -> { } // a readiness probe, or a peer that closed at once
            }
        } catch (IOException e) {
            // the load generator went away; its own result says so
        }
    }
}
