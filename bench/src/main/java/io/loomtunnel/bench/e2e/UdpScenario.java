package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Datagrams at fixed offered rates to {@link UdpEchoService}, directly, through a loomtunnel UDP tunnel
 * and through socat: for each size and rate a fixed count is sent, paced, from a fresh socket whose
 * path (the relay's flow for this sender) a first probe datagram has set up; the echoes are counted
 * where they arrive, back at the sender. Loss is sent minus received, both
 * directions together; datagrams/s is what came back over the time from the first send to the last echo.
 */
final class UdpScenario implements LoadScenario {
    private static final int[] SIZES = {64, 1_200};
    private static final int[] RATES = {10_000, 50_000, 100_000};
    /** After the last send, echoes still on their way get this long since the last one arrived. */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final long DRAIN_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** First byte of a measured datagram; a probe's is 0, so a late probe echo is not counted. */
    private static final byte MEASURED = 1;

    @Override
    public String name() {
        return "udp";
    }

    @Override
    public Service service() {
        return Service.UDP;
    }

    @Override
    public String describe(boolean quick) {
        return String.format("%,d datagrams of 64 B, then 1,200 B, offered at 10k, 50k and 100k/s; echoes counted%s",
                count(quick), quick ? " (--quick: full run sends 100,000 per rate and size)" : "");
    }

    private static int count(boolean quick) {
        return quick ? 2_000 : 100_000;
    }

    @Override
    public Map<String, Double> load(int port, boolean quick, Map<String, Long> processes) throws Exception {
        Map<String, Double> figures = new LinkedHashMap<>();
        for (int size : SIZES) {
            for (int rate : RATES) {
                step(port, size, rate, count(quick), figures, String.format("%d B @ %dk/s ", size, rate / 1_000));
            }
        }
        return figures;
    }

    private static void step(int port, int size, int rate, int count, Map<String, Double> figures, String label)
            throws Exception {
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.setReceiveBufferSize(UdpEchoService.SOCKET_BUFFER);
            socket.setSendBufferSize(UdpEchoService.SOCKET_BUFFER);
            socket.bind(new InetSocketAddress(Echo.LOOPBACK, 0));
            socket.connect(Echo.LOOPBACK, port);
            probe(socket, size);
            socket.setSoTimeout(100);
            AtomicLong received = new AtomicLong();
            AtomicLong lastArrival = new AtomicLong();
            Thread receiver = Thread.ofPlatform().name("udp-receiver")
                    .start(() -> receive(socket, size, received, lastArrival));
            long start = System.nanoTime();
            long sendErrors = send(socket, size, rate, count, start);
            double sendSeconds = (System.nanoTime() - start) / 1e9;
            long drainStart = System.nanoTime();
            for (long seen = -1; received.get() < count && received.get() != seen
                    && System.nanoTime() - drainStart < DRAIN_LIMIT_NANOS; ) {
                seen = received.get();
                TimeUnit.NANOSECONDS.sleep(QUIET_NANOS);
            }
            socket.close(); // ends the receiver
            receiver.join();
            long got = received.get();
            figures.put(label + "sent/s", count / sendSeconds);
            figures.put(label + "received/s", got == 0 ? 0 : got / ((lastArrival.get() - start) / 1e9));
            figures.put(label + "loss %", 100.0 * (count - got) / count);
            if (sendErrors > 0) {
                figures.put(label + "send errors", (double) sendErrors);
            }
        }
    }

    /** Sends a probe datagram until its echo comes back, so that no relay's flow set-up is counted as loss. */
    private static void probe(DatagramSocket socket, int size) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[size], size);
        socket.setSoTimeout(200);
        for (int attempt = 1; ; attempt++) {
            socket.send(packet);
            try {
                socket.receive(new DatagramPacket(new byte[size], size));
                return;
            } catch (SocketTimeoutException e) {
                if (attempt == 25) {
                    throw new IOException("no echo of a probe datagram within 5 s");
                }
            }
        }
    }

    /** Sends {@code count} datagrams paced to {@code rate} a second, in small bursts between parks; returns failed sends. */
    private static long send(DatagramSocket socket, int size, int rate, int count, long start) {
        byte[] datagram = new byte[size];
        datagram[0] = MEASURED;
        DatagramPacket packet = new DatagramPacket(datagram, size);
        long errors = 0;
        for (int sent = 0; sent < count; ) {
            long due = Math.min(count, (System.nanoTime() - start) * rate / TimeUnit.SECONDS.toNanos(1) + 1);
            for (; sent < due; sent++) {
                try {
                    socket.send(packet);
                } catch (IOException e) {
                    errors++; // e.g. ICMP port unreachable reported on a connected socket
                }
            }
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1) / rate);
        }
        return errors;
    }

    private static void receive(DatagramSocket socket, int size, AtomicLong received, AtomicLong lastArrival) {
        DatagramPacket packet = new DatagramPacket(new byte[size + 1], size + 1);
        while (!socket.isClosed()) {
            try {
                packet.setLength(size + 1);
                socket.receive(packet);
                if (packet.getLength() == size && packet.getData()[0] == MEASURED) {
                    received.incrementAndGet();
                    lastArrival.set(System.nanoTime());
                }
            } catch (IOException timeoutOrClosed) {
                // the loop checks whether the socket was closed
            }
        }
    }
}
