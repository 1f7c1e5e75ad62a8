package io.loomtunnel.bench.e2e;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The HTTP/1.1 service of the http scenario, a process of its own: answers every request with 200 and
 * a {@link #BODY_BYTES}-byte body, keeps the connection unless the request says Connection: close.
 */
public final class HttpService {
    static final int BODY_BYTES = 64;
    private static final byte[] BODY = new byte[BODY_BYTES];

    static {
        Arrays.fill(BODY, (byte) 'x');
    }

    private HttpService() {}

    /** {@code HttpService PORT} (0 = any); prints {@code listening 127.0.0.1:PORT} and serves until killed. */
    public static void main(String[] args) throws IOException {
        TcpServiceLoop.run(Integer.parseInt(args[0]), HttpService::serve);
    }

    private static void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            for (String head; (head = HttpHead.read(in)) != null; ) {
                in.skipNBytes(HttpHead.contentLength(head));
                boolean close = HttpHead.closes(head);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + BODY_BYTES + "\r\n"
                        + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(BODY);
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away; its own result says so
        }
    }
}
