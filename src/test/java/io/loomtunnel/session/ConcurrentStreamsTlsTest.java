package io.loomtunnel.session;

import io.loomtunnel.internal.tunnel.Probes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.mux.MuxStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 concurrent streams over one real loopback TLS session, each moving a random amount of
 * random data both ways at once; both ends compare SHA-256 digests. JFR watches for virtual
 * threads pinned to their carrier for more than 20 ms.
 */
@Timeout(300)
class ConcurrentStreamsTlsTest {
    private static final int STREAMS = 1_000;
    private static final int MAX_BYTES = 256 * 1024;
    private static final Duration PINNING_LIMIT = Duration.ofMillis(20);

    /** What one side of one stream sent and received. */
    record Transfer(int streamId, byte[] sentDigest, byte[] receivedDigest, long received) {}

    @Test
    void thousandStreamsBothWaysWithDigestsAndNoPinning(@TempDir Path tmp) throws Exception {
        try (Recording jfr = new Recording(); TlsPair pair = new TlsPair()) {
            jfr.enable("jdk.VirtualThreadPinned").withThreshold(PINNING_LIMIT).withStackTrace();
            jfr.start();

            Session client = pair.dial();
            Session server = pair.nextAccepted();
            ConcurrentLinkedQueue<Transfer> serverSide = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Transfer> clientSide = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            // The server side answers every stream with its own random data, also both ways at once.
            Thread acceptor = Thread.ofVirtual().name("test-acceptor").start(() -> {
                for (int i = 0; i < STREAMS; i++) {
                    try {
                        MuxStream s = server.mux().accept(Duration.ofSeconds(60));
                        synchronized (threads) {
                            threads.add(Thread.ofVirtual().start(() -> serverSide.add(exchange(s, s.id() * 31L))));
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }
            });
            List<Future<Transfer>> clients = new ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < STREAMS; i++) {
                    clients.add(pool.submit(() -> {
                        MuxStream s = client.mux().open(Duration.ofSeconds(60));
                        Transfer t = exchange(s, s.id() * 17L);
                        clientSide.add(t);
                        return t;
                    }));
                }
                for (Future<Transfer> f : clients) {
                    f.get(240, TimeUnit.SECONDS);
                }
            }
            acceptor.join(Duration.ofSeconds(60));
            synchronized (threads) {
                for (Thread t : threads) {
                    t.join(Duration.ofSeconds(60));
                }
            }

            assertEquals(STREAMS, clientSide.size());
            assertEquals(STREAMS, serverSide.size());
            var byIdServer = new java.util.HashMap<Integer, Transfer>();
            serverSide.forEach(t -> byIdServer.put(t.streamId(), t));
            long bytes = 0;
            for (Transfer c : clientSide) {
                Transfer s = byIdServer.get(c.streamId());
                assertArrayEquals(c.sentDigest(), s.receivedDigest(), "client→server bytes of stream " + c.streamId());
                assertArrayEquals(s.sentDigest(), c.receivedDigest(), "server→client bytes of stream " + c.streamId());
                bytes += c.received() + s.received();
            }
            assertTrue(bytes > STREAMS * (long) MAX_BYTES / 2, "moved " + bytes + " bytes");
            Probes.eventually(Duration.ofSeconds(20), "all streams closed on both sides",
                    () -> client.mux().streamCount() == 0 && server.mux().streamCount() == 0);

            jfr.stop();
            Path file = tmp.resolve("pinning.jfr");
            jfr.dump(file);
            List<RecordedEvent> pinned = RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals("jdk.VirtualThreadPinned"))
                    .filter(e -> e.getDuration().compareTo(PINNING_LIMIT) > 0)
                    .toList();
            assertTrue(pinned.isEmpty(), "virtual threads pinned > 20 ms: " + pinned);
            assertTrue(Files.size(file) > 0);
            client.close();
        }
    }

    /** Sends a random amount of seeded random data while reading everything the peer sends. */
    private static Transfer exchange(MuxStream s, long seed) {
        try {
            SplittableRandom random = new SplittableRandom(seed);
            int length = random.nextInt(MAX_BYTES);
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = s.output();
                    byte[] chunk = new byte[1 + random.nextInt(32 * 1024)];
                    int left = length;
                    while (left > 0) {
                        int n = Math.min(left, chunk.length);
                        random.nextBytes(chunk);
                        sent.update(chunk, 0, n);
                        out.write(chunk, 0, n);
                        left -= n;
                    }
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            InputStream in = s.input();
            byte[] buf = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                received.update(ByteBuffer.wrap(buf, 0, n));
                total += n;
            }
            writer.join();
            s.close();
            return new Transfer(s.id(), sent.digest(), received.digest(), total);
        } catch (Exception e) {
            throw new RuntimeException("stream " + s.id() + ": " + e, e);
        }
    }
}
