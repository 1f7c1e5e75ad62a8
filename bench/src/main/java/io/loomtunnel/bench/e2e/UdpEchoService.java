package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/** The UDP service of the udp scenario, a process of its own: sends every datagram back to its sender. */
public final class UdpEchoService {
    /** The kernel's cap here (net.core.rmem_max); bursts at 100,000 datagrams/s need room. */
    static final int SOCKET_BUFFER = 4 << 20;

    private UdpEchoService() {}

    /** {@code UdpEchoService PORT} (0 = any); prints {@code listening 127.0.0.1:PORT} and echoes until killed. */
    public static void main(String[] args) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.setReceiveBufferSize(SOCKET_BUFFER);
            socket.setSendBufferSize(SOCKET_BUFFER);
            socket.bind(new InetSocketAddress(Echo.LOOPBACK, Integer.parseInt(args[0])));
            System.out.println("listening 127.0.0.1:" + socket.getLocalPort());
            System.out.flush();
            DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
            while (true) {
                packet.setLength(65_536);
                socket.receive(packet);
                socket.send(packet); // back to packet's address, the sender
            }
        }
    }
}
