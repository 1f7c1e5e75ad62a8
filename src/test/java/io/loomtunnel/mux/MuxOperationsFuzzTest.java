package io.loomtunnel.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.Wire;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A random sequence of stream operations on both sessions of a {@link MemoryPair}, checked
 * against a model of docs/protocol/SESSION.md sections 3 and 4. Seeds:
 * src/test/resources/io/loomtunnel/mux/MuxOperationsFuzzTestInputs/operations/ (run in every
 * {@code mvn test}); fuzz with {@code scripts/fuzz}.
 *
 * <p>Operations run one at a time on the test thread, so every state change an operation makes
 * locally is known to the model; what travels to the peer arrives later. Where the outcome of an
 * operation depends on what has arrived (close, reset, data for a closed stream), the test
 * {@linkplain Harness#settle settles} first: two PINGs each way, after which each side has
 * processed every frame the other sent, including RSTs its housekeeper owed. Window growth is
 * off (max window = initial window), so the model knows every stream's send credit exactly.
 */
class MuxOperationsFuzzTest {
    private static final int MAX_STREAMS = 16;
    private static final int MAX_OPS = 200;
    private static final int MAX_FLOODS = 2;
    /** Safety bound on every wait; reaching it is a failure (a lost frame or a deadlock). */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Write timeout of a flooding writer: credit cannot come while its reader stalls, so any value is correct. */
    private static final Duration STALL = Duration.ofMillis(2);
    private static final MuxConfig CONFIG = MuxConfig.defaults().withWindowGrowth(Wire.INITIAL_WINDOW, 0);

    @FuzzTest
    void operations(FuzzedDataProvider d) throws Exception {
        try (MemoryPair pair = MemoryPair.open(CONFIG, 64 * 1024)) {
            Harness h = new Harness(pair);
            for (int i = 0; i < MAX_OPS && d.remainingBytes() > 0; i++) {
                h.step(d);
                h.checkSessionsOpen();
            }
            h.finish();
        }
    }

    /** How an operation on a dead direction must fail: a reset with this code, or (code null) a plain IOException. */
    record Failure(ErrorCode code, boolean byPeer) {
        static final Failure PLAIN = new Failure(null, false);
    }

    /** One direction of one stream. */
    static final class Dir {
        final long key;
        End writer;
        End reader;
        long sent;
        long read;
        /** Read by the reader's application but not yet granted back (docs/protocol/SESSION.md 3.3: batches of half a window). */
        long pending;
        long granted;

        Dir(long key) {
            this.key = key;
        }

        long credit() {
            return Wire.INITIAL_WINDOW + granted - sent;
        }

        /** What the reader's buffer holds once every frame has arrived. */
        long unread() {
            return reader.readFailure == null ? sent - read : 0;
        }

        void consumed(int n) {
            read += n;
            pending += n;
            if (pending >= Wire.INITIAL_WINDOW / 2) {
                granted += pending;
                pending = 0;
            }
        }
    }

    /** One side's view of a stream. */
    static final class End {
        final String name;
        final MuxStream stream;
        End peer;
        Dir out;
        Dir in;
        boolean finSent;
        boolean closed;
        boolean reset;
        /** The first failure wins, as in InboundBuffer and SendWindow. */
        Failure readFailure;
        Failure writeFailure;

        End(String name, MuxStream stream) {
            this.name = name;
            this.stream = stream;
            stream.setReadTimeout(WAIT);
            stream.setWriteTimeout(WAIT);
        }

        /** Both directions ended with FIN: the stream is gone from both tables (once the FINs arrived). */
        boolean finDone() {
            return finSent && peer.finSent;
        }

        boolean removed() {
            return reset || finDone();
        }

        void fail(Failure f) {
            if (readFailure == null) {
                readFailure = f;
            }
            if (writeFailure == null) {
                writeFailure = f;
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The model, the operations and the invariants. */
    static final class Harness {
        private final MemoryPair pair;
        private final List<End[]> streams = new ArrayList<>();
        private final List<String> log = new ArrayList<>();
        private final int[] lastId = {0, 0};
        private int floods;

        Harness(MemoryPair pair) {
            this.pair = pair;
        }

        void step(FuzzedDataProvider d) throws Exception {
            int op = d.consumeInt(0, 15);
            if (op >= 14) {
                log("check");
                settleAndCheck();
                return;
            }
            if (op <= 1 || streams.isEmpty()) {
                open(d.consumeBoolean());
                return;
            }
            End[] s = streams.get(d.consumeInt(0, streams.size() - 1));
            End e = d.consumeBoolean() ? s[0] : s[1];
            switch (op) {
                case 2, 3, 4, 5 -> write(e, d.consumeInt(1, 4096));
                case 6, 7, 8, 9 -> read(e, d.consumeInt(1, 8192));
                case 10 -> shutdownOutput(e);
                case 11 -> reset(e, d.pickValue(ErrorCode.values()));
                case 12 -> close(e);
                default -> flood(e, d.consumeInt(1024, 140_000));
            }
        }

        // ---- operations ----

        void open(boolean byDialer) throws IOException {
            if (streams.size() >= MAX_STREAMS) {
                return;
            }
            MuxSession opener = byDialer ? pair.dialer() : pair.acceptor();
            MuxSession acceptor = byDialer ? pair.acceptor() : pair.dialer();
            MuxStream mine = opener.open(WAIT);
            MuxStream theirs = acceptor.accept(WAIT);
            log("open " + mine.id() + (byDialer ? " by dialer" : " by acceptor"));
            assertEquals(mine.id(), theirs.id(), where("accept returns the stream just opened"));
            assertEquals(byDialer ? 1 : 0, mine.id() % 2, where("id parity"));
            int side = byDialer ? 0 : 1;
            assertTrue(mine.id() > lastId[side], where("ids increase"));
            lastId[side] = mine.id();
            String who = byDialer ? "dialer" : "acceptor";
            String other = byDialer ? "acceptor" : "dialer";
            End a = new End(who + ":" + mine.id(), mine);
            End b = new End(other + ":" + mine.id(), theirs);
            Dir ab = new Dir(2L * mine.id());
            Dir ba = new Dir(2L * mine.id() + 1);
            link(a, b, ab, ba);
            streams.add(new End[] {a, b});
        }

        private static void link(End a, End b, Dir ab, Dir ba) {
            a.peer = b;
            b.peer = a;
            a.out = ab;
            b.in = ab;
            b.out = ba;
            a.in = ba;
            ab.writer = a;
            ab.reader = b;
            ba.writer = b;
            ba.reader = a;
        }

        void write(End e, int n) throws Exception {
            Dir dir = e.out;
            if (e.writeFailure != null) {
                log("write " + n + " to " + e + ", must fail: " + e.writeFailure);
                expectFailure(e.writeFailure, () -> e.stream.output().write(Content.of(dir.key, dir.sent, n)), "write");
                return;
            }
            int len = (int) Math.min(n, dir.credit()); // more would block: that is what flood tests
            if (len == 0) {
                return;
            }
            log("write " + len + " to " + e);
            e.stream.output().write(Content.of(dir.key, dir.sent, len));
            dir.sent += len;
            if (dir.reader.closed && !dir.reader.reset) {
                // Data for a stream the peer has closed: it answers RST(STREAM_CLOSED) (3.1).
                settle();
                dir.reader.reset = true;
                dir.reader.fail(new Failure(ErrorCode.STREAM_CLOSED, false));
                e.reset = true;
                e.fail(new Failure(ErrorCode.STREAM_CLOSED, true));
                log("  peer answered RST(STREAM_CLOSED)");
            }
        }

        void read(End e, int n) throws Exception {
            Dir dir = e.in;
            if (e.readFailure != null) {
                log("read " + n + " from " + e + ", must fail: " + e.readFailure);
                expectFailure(e.readFailure, () -> e.stream.input().read(new byte[n]), "read");
                return;
            }
            long unread = dir.sent - dir.read;
            if (unread == 0) {
                if (!dir.writer.finSent) {
                    // Nothing sent and no FIN: a read would wait. Nothing may be buffered either.
                    assertEquals(0, e.stream.input().available(), where("bytes nobody sent are buffered at " + e));
                    return;
                }
                log("read " + n + " from " + e + ", expect end of stream");
                assertEquals(-1, e.stream.input().read(new byte[n]), where("end of stream after FIN at " + e));
                return;
            }
            log("read " + n + " from " + e);
            readAndVerify(e, n);
        }

        /** Reads once (some bytes must come) and checks every byte is the next one sent. */
        private int readAndVerify(End e, int n) throws IOException {
            Dir dir = e.in;
            byte[] b = new byte[n];
            int got = e.stream.input().read(b);
            long unread = dir.sent - dir.read;
            assertTrue(got >= 1 && got <= Math.min(n, unread),
                    where("read of up to " + n + " at " + e + " with " + unread + " unread returned " + got));
            int bad = Content.mismatch(dir.key, dir.read, b, got);
            if (bad >= 0) {
                fail(where("byte " + (dir.read + bad) + " of " + e + "'s input is not the one sent there"
                        + " (lost, duplicated or reordered data)").get());
            }
            dir.consumed(got);
            return got;
        }

        void shutdownOutput(End e) throws IOException {
            log("shutdownOutput " + e);
            e.stream.shutdownOutput();
            if (!e.reset && !e.finSent) {
                e.finSent = true;
                e.writeFailure = e.writeFailure == null ? Failure.PLAIN : e.writeFailure;
            }
        }

        void reset(End e, ErrorCode code) throws Exception {
            log("reset " + e + " " + code);
            e.stream.reset(code);
            applyReset(e, code);
            settle();
        }

        private static void applyReset(End e, ErrorCode code) {
            if (e.reset) {
                return; // already reset (by either side): nothing is sent
            }
            boolean finDone = e.finDone(); // then the peer has forgotten the stream and ignores the RST
            e.reset = true;
            e.fail(new Failure(code, false));
            if (!finDone) {
                e.peer.reset = true;
                e.peer.fail(new Failure(code, true));
            }
        }

        void close(End e) throws Exception {
            settle(); // whether unread data is buffered decides between FIN and RST
            log("close " + e);
            e.stream.close();
            if (e.removed()) {
                // nothing to do: the stream is gone already
            } else if (e.in.unread() > 0) {
                applyReset(e, ErrorCode.CANCEL); // as TCP: closing with unread data aborts
            } else {
                e.closed = true;
                e.readFailure = e.readFailure == null ? Failure.PLAIN : e.readFailure;
                if (!e.finSent) {
                    e.finSent = true;
                    e.writeFailure = e.writeFailure == null ? Failure.PLAIN : e.writeFailure;
                }
            }
            settle();
        }

        /**
         * Stalls {@code e}'s peer (it reads nothing) and writes on {@code e} until the window is
         * used up: the writer must block (its write times out) after exactly its credit, while
         * another stream keeps moving.
         */
        void flood(End e, int chunk) throws Exception {
            Dir dir = e.out;
            if (e.writeFailure != null || dir.reader.readFailure != null || floods >= MAX_FLOODS) {
                return;
            }
            floods++;
            settle(); // credit granted earlier has arrived
            long credit = dir.credit();
            long unreadBefore = dir.unread();
            log("flood " + e + " in chunks of " + chunk + ", credit " + credit);
            assertEquals(unreadBefore, dir.reader.stream.input().available(), where("buffered at " + dir.reader));
            Flooder flooder = new Flooder(e.stream, dir.key, dir.sent, chunk, credit);
            e.stream.setWriteTimeout(STALL);
            Thread t = Thread.ofVirtual().name("flood-" + e).start(flooder);
            probeAnotherStream(e);
            boolean ended = t.join(WAIT);
            e.stream.setWriteTimeout(WAIT);
            assertTrue(ended, where("the flooding writer on " + e + " neither blocked nor ended"));
            assertInstanceOf(SocketTimeoutException.class, flooder.failure,
                    where("the flooding writer on " + e + " must block once its window is used up; it wrote "
                            + flooder.written + " bytes with " + credit + " credit and ended with " + flooder.failure));
            settle();
            assertEquals(unreadBefore + credit, dir.reader.stream.input().available(),
                    where("a stalled reader " + dir.reader + " receives exactly the writer's credit"));
            assertTrue(flooder.written <= credit && credit - flooder.written < chunk,
                    where("completed writes " + flooder.written + " within credit " + credit + " plus one chunk of " + chunk));
            dir.sent += credit;
        }

        /** While a writer floods, a few bytes still cross on another stream. */
        private void probeAnotherStream(End flooding) throws IOException {
            for (End[] s : streams) {
                for (End e : s) {
                    Dir dir = e.out;
                    if (e.stream.id() != flooding.stream.id() && e.writeFailure == null && dir.reader.readFailure == null
                            && dir.credit() > 0) {
                        int n = (int) Math.min(64, dir.credit());
                        log("  probe " + n + " bytes " + e + " -> " + dir.reader);
                        e.stream.output().write(Content.of(dir.key, dir.sent, n));
                        dir.sent += n;
                        while (dir.read < dir.sent) {
                            readAndVerify(dir.reader, 64 * 1024);
                        }
                        return;
                    }
                }
            }
        }

        // ---- invariants ----

        /** Two PINGs each way: each side has processed all the other sent, and the RSTs that caused. */
        void settle() throws IOException {
            for (int i = 0; i < 2; i++) {
                pair.dialer().ping(WAIT);
                pair.acceptor().ping(WAIT);
            }
            checkSessionsOpen();
        }

        void checkSessionsOpen() {
            assertNull(pair.dialer().closeCause(), where("dialer session closed"));
            assertNull(pair.acceptor().closeCause(), where("acceptor session closed"));
        }

        /** After settling: what each end has buffered, and which streams each table still holds. */
        void settleAndCheck() throws IOException {
            settle();
            int[] open = {0, 0};
            for (End[] s : streams) {
                for (int side = 0; side < 2; side++) {
                    End e = s[side];
                    if (e.readFailure == null) {
                        assertEquals(e.in.unread(), e.stream.input().available(), where("buffered at " + e));
                    }
                    if (!e.removed()) {
                        open[e.stream.session() == pair.dialer() ? 0 : 1]++;
                    }
                }
            }
            assertEquals(open[0], pair.dialer().streamCount(), where("streams in the dialer's table"));
            assertEquals(open[1], pair.acceptor().streamCount(), where("streams in the acceptor's table"));
        }

        /** Both sides FIN, every reader drains to the end: then no stream is left in either table. */
        void finish() throws IOException {
            log("finish");
            for (End[] s : streams) {
                for (End e : s) {
                    if (!e.reset && !e.finSent) {
                        shutdownOutput(e);
                    }
                }
            }
            for (End[] s : streams) {
                for (End e : s) {
                    Dir dir = e.in;
                    if (e.readFailure != null) {
                        expectFailure(e.readFailure, () -> e.stream.input().read(new byte[1]), "read");
                        continue;
                    }
                    while (dir.read < dir.sent) {
                        readAndVerify(e, 64 * 1024);
                    }
                    assertEquals(-1, e.stream.input().read(new byte[1]), where("end of stream at " + e));
                }
            }
            settleAndCheck();
            assertEquals(0, pair.dialer().streamCount(), where("streams left in the dialer"));
            assertEquals(0, pair.acceptor().streamCount(), where("streams left in the acceptor"));
        }

        private interface Io {
            void run() throws IOException;
        }

        private void expectFailure(Failure expected, Io io, String what) {
            try {
                io.run();
            } catch (IOException e) {
                if (expected.code() == null) {
                    assertTrue(!(e instanceof SocketTimeoutException) && !(e instanceof SessionClosedException),
                            where(what + " failed, but with " + e));
                } else {
                    StreamResetException r = assertInstanceOf(StreamResetException.class, e, where(what + " after a reset"));
                    assertEquals(expected, new Failure(r.code(), r.byPeer()), where(what + " failed with " + e));
                }
                return;
            }
            fail(where(what + " succeeded but must fail with " + expected).get());
        }

        private void log(String op) {
            log.add(op);
        }

        /** The message with the operations that led to it, computed only when an assertion fails. */
        private Supplier<String> where(String message) {
            return () -> message + "\n  after: " + String.join("\n         ", log.subList(Math.max(0, log.size() - 40), log.size()));
        }
    }

    /** Writes chunk after chunk until a write fails (it should time out waiting for credit). */
    private static final class Flooder implements Runnable {
        private final MuxStream stream;
        private final long key;
        private final long start;
        private final int chunk;
        private final long credit;
        volatile long written;
        volatile Throwable failure;

        Flooder(MuxStream stream, long key, long start, int chunk, long credit) {
            this.stream = stream;
            this.key = key;
            this.start = start;
            this.chunk = chunk;
            this.credit = credit;
        }

        @Override
        public void run() {
            try {
                // Past credit + chunk it could only go on by overrunning the window.
                while (written <= credit + chunk) {
                    stream.output().write(Content.of(key, start + written, chunk));
                    written += chunk;
                }
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    /** The bytes of a direction: a function of its key and the offset, so a reader can check every byte. */
    static final class Content {
        private Content() {}

        static byte at(long key, long offset) {
            long z = key * 0x9E3779B97F4A7C15L + (offset >>> 3);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            return (byte) (z >>> ((offset & 7) * 8));
        }

        static byte[] of(long key, long offset, int n) {
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) {
                b[i] = at(key, offset + i);
            }
            return b;
        }

        /** The index of the first of {@code b[0..n)} that is not the content from {@code offset} on, or -1. */
        static int mismatch(long key, long offset, byte[] b, int n) {
            for (int i = 0; i < n; i++) {
                if (b[i] != at(key, offset + i)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
