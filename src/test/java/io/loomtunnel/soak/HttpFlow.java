package io.loomtunnel.soak;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * HTTP/1.1 keep-alive through the server's HTTP ingress to the web app behind a client: POST
 * bodies of up to {@code maxBody} bytes, each echoed back and compared. A status other than 200
 * counts as a loss, excused only while a fault hits the path (502 while the client is away).
 */
final class HttpFlow extends IngressFlow {
    HttpFlow(String name, Set<Part> path, Env env, long maxRounds, InetSocketAddress ingress, String host, int maxBody,
            int perConnection, long pauseMs) {
        super(name, path, env, maxRounds, ingress, host, 0, maxBody, perConnection, pauseMs);
    }

    @Override
    Socket open(SplittableRandom random) throws IOException {
        return connect(ingress, TIMEOUT_MS);
    }

    @Override
    boolean exchange(Socket s, long n, byte[] body, SplittableRandom random, boolean last) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("POST /echo/" + n + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: " + body.length + "\r\n" + (last ? "Connection: close\r\n" : "") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        HttpWire.Response r = HttpWire.readResponse(s.getInputStream());
        if (r.status() != 200) {
            throw new IOException("status " + r.status());
        }
        if (!Arrays.equals(r.body(), body)) {
            throw new Garbled("the response body differs at byte " + Arrays.mismatch(r.body(), body) + " (" + r.body().length
                    + " bytes back)");
        }
        return !r.close();
    }

    @Override
    String round(long n, int size) {
        return "request " + n + " (" + size + " bytes)";
    }
}
