package io.loomtunnel.soak;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Numbered datagrams through one UDP tunnel port to the UDP echo, at a fixed rate: each carries
 * its flow, its sequence number, its length and {@link Payload} for that number, so a reply that
 * differs anywhere is a corruption. UDP may lose datagrams: those sent while a fault hit the path
 * are excused; the others may not exceed {@link #LOSS_TOLERANCE} of what was sent outside faults.
 *
 * <p>Threads: the flow's own sends; a platform thread receives. {@code received} is guarded by itself.
 */
final class UdpFlow extends Flow {
    static final int MAGIC = 0x534f4b55; // "SOKU"
    /** Unexcused loss allowed: 1% of the datagrams sent outside fault windows, and 5 more. */
    static final double LOSS_TOLERANCE = 0.01;
    private static final int HEADER = 20;

    /** What a report keeps of a UDP flow. */
    record Loss(String flow, long sent, long received, long lostInFaults, long sentOutsideFaults, long lostOutsideFaults,
            List<Long> firstLostOutsideAtMs, long reordered) {}

    private final InetSocketAddress target;
    private final long periodNanos;
    private final int id;
    private final long[] sentAt;
    private final BitSet received = new BitSet();
    private final AtomicLong reordered = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private DatagramSocket socket;
    private Thread receiver;
    private long started;
    private volatile Loss loss;

    UdpFlow(String name, Set<Part> path, Env env, int maxDatagrams, InetSocketAddress target, int perSecond) {
        super(name, path, env, maxDatagrams);
        this.target = target;
        this.periodNanos = 1_000_000_000L / perSecond;
        this.id = name.hashCode();
        this.sentAt = new long[maxDatagrams];
    }

    @Override
    void begin() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(0));
        socket.setSoTimeout(500);
        started = System.nanoTime();
        // A platform thread: a receiver starved behind busy virtual threads would overflow the socket's buffer.
        receiver = Thread.ofPlatform().name("soak " + name + " receiver").daemon().start(this::receive);
    }

    @Override
    void round(long n) throws Exception {
        long due = started + n * periodNanos - System.nanoTime();
        if (due > 0) {
            Thread.sleep(due / 1_000_000, (int) (due % 1_000_000));
        }
        long seq = n;
        int length = 16 + (int) Math.floorMod(Payload.mix(id + seq), 1_185);
        ByteBuffer b = ByteBuffer.allocate(HEADER + length).putInt(MAGIC).putInt(id).putLong(seq).putInt(length);
        Payload.fill(seed(seq), 0, b.array(), HEADER, length);
        sentAt[(int) seq] = env.clock().now();
        sent.incrementAndGet();
        try {
            socket.send(new DatagramPacket(b.array(), b.capacity(), target));
        } catch (IOException e) {
            // a port that is down for a moment (ICMP unreachable): the datagram is lost, judged at the end
        }
    }

    private void receive() {
        byte[] buf = new byte[2_048];
        long highest = -1;
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException idle) {
                continue;
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                continue; // ICMP port unreachable from a send: the port is back later
            }
            ByteBuffer b = ByteBuffer.wrap(p.getData(), 0, p.getLength());
            if (p.getLength() < HEADER || b.getInt() != MAGIC || b.getInt() != id) {
                corrupt("a datagram of " + p.getLength() + " bytes that is not one we sent");
                return;
            }
            long seq = b.getLong();
            int length = b.getInt();
            if (seq < 0 || seq >= sent.get() || length != p.getLength() - HEADER
                    || Payload.mismatch(seed(seq), 0, p.getData(), HEADER, length) >= 0) {
                corrupt("datagram " + seq + " (" + p.getLength() + " bytes) differs from what was sent");
                return;
            }
            synchronized (received) {
                if (received.get((int) seq)) {
                    continue; // a duplicate: UDP may do that; counted as received once
                }
                received.set((int) seq);
            }
            if (seq < highest) {
                reordered.incrementAndGet();
            }
            highest = Math.max(highest, seq);
            bytesChecked.addAndGet(length);
            ok.incrementAndGet();
        }
    }

    @Override
    void finish() {
        try {
            Thread.sleep(2_000); // the last replies
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
        try {
            receiver.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        judge();
    }

    private void judge() {
        long total = sent.get();
        long inFaults = 0;
        long outside = 0;
        long sentOutside = 0;
        List<Long> firstLost = new ArrayList<>();
        synchronized (received) {
            for (int seq = 0; seq < total; seq++) {
                boolean excused = env.faults().excuses(path, sentAt[seq], sentAt[seq] + 1_000, false);
                if (!excused) {
                    sentOutside++;
                }
                if (!received.get(seq)) {
                    if (excused) {
                        inFaults++;
                    } else {
                        outside++;
                        if (firstLost.size() < 20) {
                            firstLost.add(sentAt[seq]);
                        }
                    }
                }
            }
        }
        excused.set(inFaults);
        loss = new Loss(name, total, total - inFaults - outside, inFaults, sentOutside, outside, List.copyOf(firstLost), reordered.get());
        long allowed = 5 + (long) (sentOutside * LOSS_TOLERANCE);
        if (outside > allowed) {
            env.verdict().fail("lost datagrams: " + name + " lost " + outside + " of " + sentOutside
                    + " sent while no fault hit its path (" + pathText() + "; allowed " + allowed + ")");
        }
    }

    /** Null until the flow has finished. */
    Loss loss() {
        return loss;
    }
}
