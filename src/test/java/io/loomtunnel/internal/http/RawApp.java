package io.loomtunnel.internal.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A raw-socket web app for the tests, independent of the code under test: reads one request per
 * connection (head, then a Content-Length or chunked body, trailers included), records it exactly
 * as received, and answers with the bytes {@code answer} gives for it, then closes.
 */
final class RawApp implements AutoCloseable {
    /** Each request as received, head and body bytes as ISO-8859-1 text. */
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final Function<String, String> answer;

    RawApp(Function<String, String> answer) throws IOException {
        this.answer = answer;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptForever);
    }

    /** An app that answers 200 with the request it received as its body. */
    static RawApp echo() throws IOException {
        return new RawApp(request -> "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                + request.length() + "\r\n\r\n" + request);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** The head part (through the empty line) of the last request received. */
    String lastHead() {
        String r = requests.getLast();
        return r.substring(0, r.indexOf("\r\n\r\n") + 4);
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            String head = "";
            while (!head.endsWith("\r\n\r\n")) {
                head += line(in);
            }
            got.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
            String lower = head.toLowerCase(Locale.ROOT);
            if (lower.contains("\r\ntransfer-encoding: chunked\r\n")) {
                for (String size = line(in); ; size = line(in)) {
                    got.writeBytes(size.getBytes(StandardCharsets.ISO_8859_1));
                    int n = Integer.parseInt(size.strip().split(";")[0], 16);
                    if (n == 0) {
                        break;
                    }
                    got.writeBytes(in.readNBytes(n + 2));
                }
                for (String trailer = line(in); ; trailer = line(in)) {
                    got.writeBytes(trailer.getBytes(StandardCharsets.ISO_8859_1));
                    if (trailer.equals("\r\n")) {
                        break;
                    }
                }
            } else {
                int at = lower.indexOf("\r\ncontent-length: ");
                if (at >= 0) {
                    int n = Integer.parseInt(lower.substring(at + 18, lower.indexOf("\r\n", at + 2)).strip());
                    got.writeBytes(in.readNBytes(n));
                }
            }
            String request = got.toString(StandardCharsets.ISO_8859_1);
            requests.add(request);
            s.getOutputStream().write(answer.apply(request).getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        } catch (IOException e) {
            // the test sees the effect on its side
        }
    }

    /** One line including its CRLF (or LF). */
    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("end of stream in a line");
            }
            sb.append((char) c);
        }
        return sb.append('\n').toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
