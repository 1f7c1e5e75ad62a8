package io.loomtunnel.internal.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.metrics.TunnelCounters;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A UDP port's association table over real sockets, with a link that only records: bounded per
 * port and per source, and a new sender always gets a flow, in place of the least recently active.
 */
@Timeout(60)
class UdpIngressTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    /** Records the flow of each datagram, by the sender's text. */
    private static final class RecordingLink implements DatagramLink {
        final AtomicInteger ids = new AtomicInteger();
        final Map<String, Integer> flowOf = new ConcurrentHashMap<>();

        @Override
        public int newFlowId() {
            return ids.incrementAndGet();
        }

        @Override
        public void sendDatagram(int flowId, byte[] buffer, int length) {
            flowOf.put(new String(buffer, UdpEnvelope.HEADER, length - UdpEnvelope.HEADER), flowId);
        }
    }

    @Test
    void oneSourceOnlyRecyclesItsOwnFlowsAndANewSenderAlwaysGetsOne() throws Exception {
        RecordingLink link = new RecordingLink();
        try (UdpIngress port = UdpIngress.open(link, 1, InetAddress.getLoopbackAddress(), 0,
                new UdpIngress.Limits(Duration.ofMinutes(1), 8, 3), "localhost", new TunnelCounters());
             DatagramSocket quiet = socket(127, 0, 0, 3)) {
            send(quiet, port, link, "quiet");
            List<DatagramSocket> churn = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) { // one source, ten ports: it keeps at most 3
                    churn.add(socket(127, 0, 0, 2));
                    send(churn.getLast(), port, link, "churn-" + i);
                }
                assertEquals(4, port.flowCount(), "the churning source holds 3, the quiet sender 1");
                for (int i = 0; i < 10; i++) { // ten sources fill the table: the least recently active go
                    churn.add(socket(127, 0, 1, 1 + i));
                    send(churn.getLast(), port, link, "many-" + i);
                }
                assertEquals(8, port.flowCount(), "never more than the port's limit");
                try (DatagramSocket late = socket(127, 0, 0, 4)) {
                    send(late, port, link, "late");
                    int flow = link.flowOf.get("late");
                    assertEquals(8, port.flowCount());
                    port.deliver(flow, envelope("reply"));
                    late.setSoTimeout(5_000);
                    assertEquals("reply", Probes.receive(late), "the new sender has a flow that replies reach");
                    port.deliver(link.flowOf.get("quiet"), envelope("too late"));
                    assertEquals(1, port.dropped(), "the quiet sender's flow was the least recently active: its reply has nowhere to go");
                }
            } finally {
                churn.forEach(DatagramSocket::close);
            }
        }
    }

    /** Sends {@code text} from {@code s} until the port has passed it on (a datagram may be lost even on loopback). */
    private static void send(DatagramSocket s, UdpIngress port, RecordingLink link, String text) throws Exception {
        Probes.eventually(WAIT, "the port passed on " + text, () -> {
            Probes.send(s, port.localAddress().getPort(), text);
            Thread.sleep(20);
            return link.flowOf.containsKey(text);
        });
    }

    private static byte[] envelope(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[UdpEnvelope.HEADER + payload.length];
        System.arraycopy(payload, 0, b, UdpEnvelope.HEADER, payload.length);
        UdpEnvelope.stamp(b, 1);
        return b;
    }

    private static DatagramSocket socket(int a, int b, int c, int d) throws IOException {
        return new DatagramSocket(new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}), 0));
    }
}
