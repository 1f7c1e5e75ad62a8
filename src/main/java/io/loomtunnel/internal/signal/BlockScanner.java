package io.loomtunnel.internal.signal;

import io.loomtunnel.internal.signal.SignalException.Problem;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds armored blocks in text fed to it line by line (pasted into a terminal, read from a file):
 * lines outside blocks are ignored; a block's lines are collected up to its END line and then
 * read by {@link Armor}. Bounded: a block of more than {@value #MAX_LINES} lines or
 * {@value #MAX_CHARS} characters is refused, and what follows is skipped up to the next BEGIN.
 *
 * <p>Not thread-safe: one reader feeds it.
 */
public final class BlockScanner {
    static final int MAX_LINES = 1000;
    static final int MAX_CHARS = 12_000;

    private BlockKind open;
    private List<String> inner;
    private int chars;

    /**
     * Takes one line; returns the block it completes, else null.
     *
     * @throws SignalException when the line ends a bad block, or starts a new block while one is
     *     open (the open one was cut off; the new one is read on)
     */
    public SignedBlock feed(String line) throws SignalException {
        String text = Armor.unquote(line);
        BlockKind begin = Armor.marker(text, "BEGIN");
        if (begin != null) {
            BlockKind cut = open;
            start(begin);
            if (cut != null) {
                throw new SignalException(Problem.TRUNCATED, cut.withArticle() + " block was cut off: another block began before its END line");
            }
            return null;
        }
        if (open == null) {
            return null;
        }
        BlockKind end = Armor.marker(text, "END");
        if (end != null) {
            BlockKind kind = open;
            List<String> lines = inner;
            open = null;
            inner = null;
            if (end != kind) {
                throw new SignalException(Problem.DAMAGED, "a block that begins as " + kind.withArticle()
                        + " ends as " + end.withArticle());
            }
            return Armor.parse(kind, lines);
        }
        chars += text.length();
        if (inner.size() >= MAX_LINES || chars > MAX_CHARS) {
            BlockKind kind = open;
            open = null;
            inner = null;
            throw new SignalException(Problem.DAMAGED, kind.withArticle() + " block longer than " + MAX_LINES
                    + " lines or " + MAX_CHARS + " characters: not a loomtunnel block, or its END line is missing");
        }
        inner.add(text);
        return null;
    }

    /** The input ended; throws if a block was still open. */
    public void finish() throws SignalException {
        if (open != null) {
            BlockKind kind = open;
            open = null;
            inner = null;
            throw new SignalException(Problem.TRUNCATED, kind.withArticle() + " block was cut off: the input ended before its END line");
        }
    }

    /** True while a block has begun and not ended. */
    public boolean inBlock() {
        return open != null;
    }

    private void start(BlockKind kind) {
        open = kind;
        inner = new ArrayList<>();
        chars = 0;
    }
}
