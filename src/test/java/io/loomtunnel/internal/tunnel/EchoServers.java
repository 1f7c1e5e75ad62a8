package io.loomtunnel.internal.tunnel;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Local services for tunnel tests: a TCP echo (half-close aware), a UDP echo and a web app, on loopback. */
public final class EchoServers {
    private EchoServers() {}

    /** TCP echo: copies input to output, then half-closes. */
    public static Closeable tcp(int[] portOut) throws IOException {
        ServerSocket server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        portOut[0] = server.getLocalPort();
        Thread.ofVirtual().name("test-tcp-echo").start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> echo(s));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return server;
    }

    /** Copies the connection's input to its output, then half-closes and closes it. */
    static void echo(Socket s) {
        try (s) {
            s.getInputStream().transferTo(s.getOutputStream());
            s.shutdownOutput();
        } catch (IOException ignored) {
            // the test hung up
        }
    }

    /** UDP echo: sends every datagram back to its sender, prefixed with "echo:". */
    public static Closeable udp(int[] portOut) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        portOut[0] = socket.getLocalPort();
        Thread.ofVirtual().name("test-udp-echo").start(() -> {
            byte[] buf = new byte[65_535];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    byte[] reply = ("echo:" + new String(p.getData(), 0, p.getLength(), java.nio.charset.StandardCharsets.UTF_8))
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return socket;
    }

    /** A web app that answers every request with {@code text}; its port in {@code portOut[0]}. */
    public static Closeable web(String text, int[] portOut) throws IOException {
        com.sun.net.httpserver.HttpServer app = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        app.createContext("/", exchange -> {
            byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        app.start();
        portOut[0] = app.getAddress().getPort();
        return () -> app.stop(0);
    }
}
