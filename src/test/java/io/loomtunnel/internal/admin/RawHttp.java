package io.loomtunnel.internal.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 request over a fresh socket, written byte for byte as a browser or an attacker
 * would (any Host, Origin, Sec-Fetch-Site, Cookie), from a chosen source address; the whole
 * answer is read until the server closes.
 */
final class RawHttp {
    private final InetAddress from;
    private final InetSocketAddress to;
    private final List<String> headers = new ArrayList<>();
    private String host;

    private RawHttp(InetAddress from, InetSocketAddress to) {
        this.from = from;
        this.to = to;
        this.host = to.getAddress().getHostAddress() + ":" + to.getPort();
    }

    /** A request to {@code to} from the loopback address 127.0.0.1, with {@code Host: 127.0.0.1:PORT}. */
    static RawHttp to(InetSocketAddress to) {
        return new RawHttp(InetAddress.getLoopbackAddress(), to);
    }

    /** The same request from another local address (127.0.0.2 is loopback on Linux). */
    RawHttp from(String address) throws IOException {
        RawHttp r = new RawHttp(InetAddress.getByName(address), to);
        r.headers.addAll(headers);
        r.host = host;
        return r;
    }

    /** Replaces the Host field; null sends none. */
    RawHttp host(String h) {
        host = h;
        return this;
    }

    RawHttp header(String name, String value) {
        headers.add(name + ": " + value);
        return this;
    }

    Reply get(String path) throws IOException {
        return send("GET", path, null);
    }

    Reply send(String method, String path, String body) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        if (host != null) {
            head.append("Host: ").append(host).append("\r\n");
        }
        headers.forEach(h -> head.append(h).append("\r\n"));
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            head.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(to, 5_000);
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            return Reply.parse(readAll(s.getInputStream()));
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; all.size() < 1 << 20 && (n = in.read(buf)) > 0; ) {
            all.write(buf, 0, n);
        }
        return all.toByteArray();
    }

    /** The status, the header lines and the body (as text) of an answer. */
    record Reply(int status, List<String> headers, String body) {
        static Reply parse(byte[] raw) {
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                throw new IllegalStateException("no complete answer: '" + text + "'");
            }
            List<String> lines = List.of(text.substring(0, end).split("\r\n"));
            return new Reply(Integer.parseInt(lines.get(0).split(" ")[1]), lines.subList(1, lines.size()),
                    new String(raw, end + 4, raw.length - end - 4, StandardCharsets.UTF_8));
        }

        /** The first value of a header field, or "". */
        String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).strip()).findFirst().orElse("");
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
