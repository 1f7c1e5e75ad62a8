package io.loomtunnel.internal.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
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

/** A raw-socket HTTP/1.1 client with its own small response reader, independent of the code under test. */
final class RawClient implements Closeable {
    /** A response as received: status, fields in order (names lowercased), decoded body. */
    record Response(int status, List<String[]> fields, byte[] body) {
        String field(String name) {
            return fields.stream().filter(f -> f[0].equals(name)).map(f -> f[1]).findFirst().orElse(null);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawClient(int port) throws IOException {
        this(port, null);
    }

    /** Connects from {@code from} (a loopback address such as 127.0.0.2; null: any). */
    RawClient(int port, InetAddress from) throws IOException {
        socket = new Socket();
        if (from != null) {
            socket.bind(new InetSocketAddress(from, 0));
        }
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setSoTimeout(20_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    RawClient send(String s) throws IOException {
        return send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
        return this;
    }

    /** Reads one response; {@code head}: it answers a HEAD request, so it has no body. */
    Response read(boolean head) throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 ")) {
            throw new IOException("bad status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        List<String[]> fields = new ArrayList<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            fields.add(new String[] {l.substring(0, colon).toLowerCase(Locale.ROOT), l.substring(colon + 1).strip()});
        }
        Response shell = new Response(code, fields, new byte[0]);
        if (head || code < 200 || code == 204 || code == 304) {
            return shell;
        }
        if ("chunked".equals(shell.field("transfer-encoding"))) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size; (size = Integer.parseInt(line().split(";")[0].strip(), 16)) > 0; ) {
                body.write(in.readNBytes(size));
                if (!line().isEmpty()) {
                    throw new IOException("chunk not followed by CRLF");
                }
            }
            while (!line().isEmpty()) {
                // trailer fields: not needed by the tests
            }
            return new Response(code, fields, body.toByteArray());
        }
        String length = shell.field("content-length");
        byte[] body = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
        return new Response(code, fields, body);
    }

    Response read() throws IOException {
        return read(false);
    }

    /** What follows the responses read so far (an upgraded connection's bytes), read-ahead included. */
    InputStream input() {
        return in;
    }

    /** True when response bytes (or the end of the stream) are waiting to be read. */
    boolean responded() throws IOException {
        return in.available() > 0;
    }

    /** True when the ingress has closed the connection (end of stream, nothing more to read). */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true; // reset: closed as well
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("end of stream in a line");
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        if (!s.endsWith("\r")) {
            throw new IOException("line without CR: " + s);
        }
        return s.substring(0, s.length() - 1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
