package io.loomtunnel.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * The local services behind the tunnels' TCP and UDP ports. TCP echoes everything, header
 * included ({@link TcpExchange}), then half-closes; a header asking for a reset after N bytes gets
 * exactly N bytes back and then an RST (SO_LINGER 0). UDP sends every datagram back to its sender.
 */
final class EchoService {
    private EchoService() {}

    static Acceptor tcp(InetAddress bind) throws IOException {
        return new Acceptor("tcp echo", bind, EchoService::echo);
    }

    private static void echo(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] header = in.readNBytes(TcpExchange.HEADER);
        out.write(header);
        ByteBuffer h = ByteBuffer.wrap(header);
        long resetAfter = header.length == TcpExchange.HEADER && h.getLong() == TcpExchange.MAGIC ? h.getLong() : -1;
        if (resetAfter < 0) {
            in.transferTo(out);
            s.shutdownOutput();
            return;
        }
        byte[] buf = new byte[32 << 10];
        for (long left = resetAfter; left > 0; ) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                return;
            }
            out.write(buf, 0, n);
            left -= n;
        }
        s.setSoLinger(true, 0);
        s.close();
    }

    /** A UDP echo on {@code bind}; closing the socket stops it. */
    static DatagramSocket udp(InetAddress bind) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(bind, 0));
        Thread.ofPlatform().name("soak udp echo").daemon().start(() -> { // platform: never starved behind the flows' checking
            byte[] buf = new byte[65_535];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    socket.send(p);
                } catch (IOException e) {
                    // closed, or a peer's port unreachable for a moment
                }
            }
        });
        return socket;
    }
}
