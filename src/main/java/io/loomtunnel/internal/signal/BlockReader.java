package io.loomtunnel.internal.signal;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads blocks one after another from a character stream (a terminal, a pipe, a file). Lines are
 * read with a bound, so a huge line cannot fill memory: its tail is dropped, and a block it sits
 * in is refused as too long. Not thread-safe.
 */
public final class BlockReader {
    /** Longer than a block may be in all, so a line cut here always gets its block refused as too long. */
    static final int MAX_LINE = BlockScanner.MAX_CHARS + 1;

    private final Reader in;
    private final BlockScanner scanner = new BlockScanner();
    private boolean ended;

    /** @param in read in chunks by this reader; give it a buffered one */
    public BlockReader(Reader in) {
        this.in = in;
    }

    /**
     * The next block, or null at the end of input.
     *
     * @throws SignalException for a bad block; the next call goes on with the input after it
     */
    public SignedBlock next() throws IOException {
        while (!ended) {
            String line = readLine();
            if (line == null) {
                ended = true;
                scanner.finish();
                return null;
            }
            SignedBlock block = scanner.feed(line);
            if (block != null) {
                return block;
            }
        }
        return null;
    }

    /** A line without its terminator (at most MAX_LINE characters kept), or null at the end of input. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                return line.toString();
            }
            if (line.length() < MAX_LINE) {
                line.append((char) c);
            } else if (line.length() == MAX_LINE) {
                line.append('…'); // marks the cut; the scanner counts it against the block's size
            }
        }
        return line.isEmpty() ? null : line.toString();
    }
}
