package io.loomtunnel.internal.signal;

import io.loomtunnel.internal.path.PathHints;
import io.loomtunnel.internal.path.PunchPort;
import io.loomtunnel.internal.signal.SignalException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Copy-paste signaling, connecting side: prints the offer as an armored block, then takes the
 * first block pasted into a reader (standard input) or saved into a file. Either way it waits at
 * most until the offer expires.
 *
 * <p>A watched file can be corrected in place, so what is there is judged as it changes: a block
 * that cannot be this offer's answer (damaged, forged, another offer's, an offer), text without a
 * block, or a block cut off is reported at once in one line (text and cut-off blocks once they
 * stopped changing for {@link #SETTLE}: they may be being written), and the watch goes on until
 * a usable answer appears there or the offer expires (docs/P2P.md). Pasted input cannot be taken
 * back: there, the first block is the answer, whatever it holds.
 */
public final class ManualConnectSignaling implements ConnectSignaling {
    /** How often a watched answer file is read again. */
    static final Duration POLL = Duration.ofMillis(200);
    /** How long a file without a whole block must stay the same before it is reported. */
    static final Duration SETTLE = Duration.ofSeconds(1);
    /** A file longer than this is not an answer file; only its start is read. */
    static final int MAX_FILE = 256 * 1024;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    /** Reads the first block there is (the first usable one, where it can wait past others); null at the deadline. */
    private interface AnswerSource {
        SignedBlock first(Instant deadline, AnswerCheck check) throws IOException, InterruptedException;
    }

    private final PrintStream out;
    private final AnswerSource source;
    private final String where;

    private ManualConnectSignaling(PrintStream out, AnswerSource source, String where) {
        this.out = out;
        this.source = source;
        this.where = where;
    }

    /** Answers pasted into {@code in} (standard input). */
    public static ManualConnectSignaling fromReader(PrintStream out, Reader in) {
        BlockReader reader = new BlockReader(in);
        return new ManualConnectSignaling(out, (deadline, check) -> readBefore(reader, deadline), "the input");
    }

    /**
     * An answer saved into {@code file}, which need not exist yet.
     *
     * @param notices where each unusable content of the file is reported, one line each
     */
    public static ManualConnectSignaling fromFile(PrintStream out, PrintStream notices, Path file) {
        return new ManualConnectSignaling(out, (deadline, check) -> watch(file, deadline, check, notices), file.toString());
    }

    @Override
    public SignedBlock exchange(SignedBlock offer, Instant deadline) throws IOException {
        return exchange(offer, deadline, answer -> { });
    }

    @Override
    public Reply exchange(SignedBlock offer, Instant deadline, PunchPort from, AnswerCheck check) throws IOException {
        return new Reply(exchange(offer, deadline, check), PathHints.NONE, () -> { });
    }

    private SignedBlock exchange(SignedBlock offer, Instant deadline, AnswerCheck check) throws IOException {
        out.print(Armor.encode(offer));
        out.flush();
        try {
            SignedBlock answer = source.first(deadline, check);
            if (answer == null) {
                throw new SignalException(Problem.EXPIRED, "no answer in " + where + " before the offer expired");
            }
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the answer", e);
        }
    }

    /** Reads on a thread of its own, since a terminal read cannot time out; null at the deadline. */
    private static SignedBlock readBefore(BlockReader reader, Instant deadline) throws IOException, InterruptedException {
        CompletableFuture<SignedBlock> read = new CompletableFuture<>();
        Thread.ofVirtual().name("answer-reader").start(() -> {
            try {
                SignedBlock block = reader.next();
                if (block == null) {
                    read.completeExceptionally(new SignalException(Problem.TRUNCATED, "the input ended before an answer block was pasted"));
                }
                read.complete(block);
            } catch (IOException | RuntimeException e) {
                read.completeExceptionally(e);
            }
        });
        try {
            return read.get(Math.max(0, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /**
     * Reads the file again every POLL until it holds a usable answer; reports each unusable
     * content once; at the deadline, an EXPIRED that names the last problem reported.
     */
    private static SignedBlock watch(Path file, Instant deadline, AnswerCheck check, PrintStream notices)
            throws IOException, InterruptedException {
        String judged = null; // the content last reported (or found empty): not judged again
        String previous = null;
        long sameSince = 0;
        String lastProblem = null;
        while (Instant.now().isBefore(deadline)) {
            String text = readStart(file);
            if (text != null && !text.equals(judged)) {
                long now = System.nanoTime();
                if (!text.equals(previous)) {
                    previous = text;
                    sameSince = now;
                }
                Judgement j = judge(text, check);
                if (j.answer() != null) {
                    return j.answer();
                }
                if (j.problem() == null) {
                    judged = text; // blank: nothing to say
                } else if (j.settled() || now - sameSince >= SETTLE.toNanos()) {
                    judged = text;
                    lastProblem = j.problem();
                    notices.println(file + ": " + j.problem() + "; waiting for a usable answer there until "
                            + CLOCK.format(deadline) + ", when the offer expires");
                    notices.flush();
                }
            }
            Thread.sleep(POLL);
        }
        throw new SignalException(Problem.EXPIRED, "no usable answer in " + file + " before the offer expired"
                + (lastProblem == null ? "" : " (the last one there: " + lastProblem + ")"));
    }

    /**
     * What a file's content holds: a usable answer, or the problem with it (null for a blank file).
     *
     * @param settled whether the problem is final for this content (a whole block that cannot be
     *     used), or may be a file still being written (text without a block, a block without END)
     */
    record Judgement(SignedBlock answer, String problem, boolean settled) {}

    /** The first usable block in {@code text}, else what is wrong with it. */
    static Judgement judge(String text, AnswerCheck check) {
        BlockScanner scanner = new BlockScanner();
        SignalException unusable = null;
        for (String line : (Iterable<String>) text.lines()::iterator) {
            try {
                SignedBlock block = scanner.feed(line);
                if (block != null) {
                    check.check(block);
                    return new Judgement(block, null, true);
                }
            } catch (SignalException e) {
                unusable = e; // a later block may still be the one
            }
        }
        if (scanner.inBlock()) {
            return new Judgement(null, "the answer block there has no END line (cut off, or still being written)", false);
        }
        if (unusable != null) {
            return new Judgement(null, unusable.getMessage(), true);
        }
        return text.isBlank() ? new Judgement(null, null, true)
                : new Judgement(null, "no answer block there (no '-----BEGIN LOOMTUNNEL ANSWER-----' line)", false);
    }

    private static String readStart(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException notYet) {
            return null;
        }
    }
}
