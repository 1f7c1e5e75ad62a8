package io.loomtunnel.internal.signal;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Copy-paste signaling, connecting side: prints the offer as an armored block, then takes the
 * first block pasted into a reader (standard input) or saved into a file, which it watches until
 * a complete block appears there. Either way it waits at most until the offer expires.
 */
public final class ManualConnectSignaling implements ConnectSignaling {
    /** How often a watched answer file is read again. */
    static final Duration POLL = Duration.ofMillis(200);
    /** A file longer than this is not an answer file; only its start is read. */
    static final int MAX_FILE = 256 * 1024;

    /** Reads the first block there is, waiting as long as it takes. */
    private interface AnswerSource {
        SignedBlock first(Instant deadline) throws IOException, InterruptedException;
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
        return new ManualConnectSignaling(out, deadline -> readBefore(reader, deadline), "the input");
    }

    /** An answer saved into {@code file}, which need not exist yet. */
    public static ManualConnectSignaling fromFile(PrintStream out, Path file) {
        return new ManualConnectSignaling(out, deadline -> watch(file, deadline), file.toString());
    }

    @Override
    public SignedBlock exchange(SignedBlock offer, Instant deadline) throws IOException {
        out.print(Armor.encode(offer));
        out.flush();
        try {
            SignedBlock answer = source.first(deadline);
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

    /** Reads the file again every POLL until it holds a complete block; null at the deadline. */
    private static SignedBlock watch(Path file, Instant deadline) throws IOException, InterruptedException {
        boolean incomplete = false;
        while (Instant.now().isBefore(deadline)) {
            String text = readStart(file);
            if (text != null) {
                BlockScanner scanner = new BlockScanner();
                for (String line : (Iterable<String>) text.lines()::iterator) {
                    SignedBlock block = scanner.feed(line);
                    if (block != null) {
                        return block;
                    }
                }
                incomplete = scanner.inBlock(); // still being written, perhaps
            }
            Thread.sleep(POLL);
        }
        if (incomplete) {
            throw new SignalException(Problem.TRUNCATED, file + " holds an answer block without its END line");
        }
        return null;
    }

    private static String readStart(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException notYet) {
            return null;
        }
    }
}
