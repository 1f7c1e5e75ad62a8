package io.loomtunnel.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.tunnel.Probes;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every limit of docs/protocol/SESSION.md has a defined outcome: refusal, a counted drop, or a coded close. */
@Timeout(30)
class MuxLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void fullAcceptBacklogRefusesExtraStreams() throws Exception {
        // The dialer believes the backlog is large; the acceptor's is 4 and nobody accepts.
        MuxConfig dialer = MuxConfig.defaults().withAcceptBacklog(100);
        MuxConfig acceptor = MuxConfig.defaults().withAcceptBacklog(4);
        try (PlainPair p = PlainPair.open(dialer, acceptor)) {
            List<MuxStream> opened = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                opened.add(p.dialer().open());
            }
            int refused = 0;
            for (MuxStream s : opened) {
                s.setReadTimeout(Duration.ofMillis(300));
                try {
                    s.input().read();
                } catch (StreamResetException e) {
                    assertEquals(ErrorCode.REFUSED_STREAM, e.code());
                    refused++;
                } catch (SocketTimeoutException waiting) {
                    // in the backlog, not refused
                }
            }
            assertEquals(6, refused, "10 opened, 4 fit the backlog");
            for (int i = 0; i < 4; i++) {
                p.acceptor().accept(WAIT);
            }
        }
    }

    @Test
    void openWaitsForAcceptsInsteadOfOverflowingTheBacklog() throws Exception {
        try (PlainPair p = PlainPair.open(MuxConfig.defaults().withAcceptBacklog(2))) {
            p.dialer().open();
            p.dialer().open();
            assertThrows(SocketTimeoutException.class, () -> p.dialer().open(Duration.ofMillis(200)),
                    "a third open waits while two are unaccepted");
            p.acceptor().accept(WAIT);
            MuxStream third = p.dialer().open(WAIT);
            assertEquals(5, third.id());
        }
    }

    @Test
    void datagramsBeyondTheQueueAreDroppedAndCounted() throws Exception {
        try (PlainPair p = PlainPair.open(MuxConfig.defaults(), MuxConfig.defaults().withDatagramQueue(8))) {
            for (int i = 0; i < 100; i++) {
                p.dialer().sendDatagram(1, new byte[] {(byte) i}, 0, 1);
            }
            p.dialer().ping(WAIT); // frames are in order: after this ACK, all 100 datagrams arrived
            assertEquals(92, p.acceptor().droppedDatagrams());
            for (int i = 0; i < 8; i++) {
                assertEquals(i, p.acceptor().receiveDatagram(WAIT).payload()[0], "the first 8 are kept, in order");
            }
            assertThrows(SocketTimeoutException.class, () -> p.acceptor().receiveDatagram(Duration.ofMillis(100)));
        }
    }

    @Test
    void controlFloodClosesSessionWithControlOverflow() throws Exception {
        try (PlainPair p = PlainPair.open(MuxConfig.defaults(), MuxConfig.defaults().withControlQueue(16))) {
            byte[] message = "{\"type\":\"noise\"}".getBytes(StandardCharsets.UTF_8);
            try {
                for (int i = 0; i < 17; i++) {
                    p.dialer().sendControl(message);
                }
            } catch (SessionClosedException closedMeanwhile) {
                // the acceptor may already have hung up
            }
            assertTrue(p.acceptor().awaitClosed(WAIT));
            assertEquals(ErrorCode.CONTROL_OVERFLOW, p.acceptor().closeCause().code());
            assertTrue(p.dialer().awaitClosed(WAIT));
            assertEquals(ErrorCode.CONTROL_OVERFLOW, p.dialer().closeCause().code(), "the GO_AWAY carried the code");
        }
    }

    @Test
    void streamOpenedAcrossGoAwayIsRefusedAndSafeToRetry() throws Exception {
        try (PlainPair p = PlainPair.open(MuxConfig.defaults())) {
            MuxStream busy = p.dialer().open();
            p.acceptor().accept(WAIT);
            Thread.ofVirtual().start(() -> {
                try {
                    p.acceptor().shutdown(WAIT);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Probes.eventually(WAIT, "opening fails once the GO_AWAY arrived", () -> {
                try {
                    p.dialer().open(Duration.ofMillis(10)).reset(ErrorCode.CANCEL);
                    return false;
                } catch (java.io.IOException e) {
                    return e instanceof SessionClosedException sce && sce.getMessage().contains("going away");
                }
            });
            busy.output().write(1); // streams open before the GO_AWAY keep working
            busy.close();
        }
    }
}
