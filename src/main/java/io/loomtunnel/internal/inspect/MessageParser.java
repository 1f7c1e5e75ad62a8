package io.loomtunnel.internal.inspect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads one direction of an HTTP/1.x connection as it goes by, in pieces of any size: a sequence
 * of requests (or of responses), each a head and a body framed by Content-Length, chunked coding
 * or (responses) the end of the connection. It never holds a body: body bytes are handed to the
 * listener as slices of the caller's buffer. What it cannot read (a bad head, a transfer coding
 * it does not know on a request, a head over {@value #MAX_HEAD} bytes) stops it for good; so
 * does an upgrade (101, CONNECT), after which the bytes are not HTTP. The same class reads both
 * directions; a response's framing needs its request's method, which the listener answers.
 *
 * <p>Not thread-safe: one direction's thread feeds it.
 */
final class MessageParser {
    /** Largest head (and largest trailer section) read; a larger one stops the parser. */
    static final int MAX_HEAD = 64 * 1024;
    /** Largest chunk-size or trailer line. */
    private static final int MAX_LINE = 4 * 1024;
    private static final Pattern CHUNK_SIZE = Pattern.compile("[0-9A-Fa-f]{1,15}");

    /** Which direction a parser reads. */
    enum Role { REQUEST, RESPONSE }

    /** What a parser tells of the messages it reads, in order; called on the feeding thread. */
    interface Listener {
        /**
         * A message's head was read.
         *
         * @return false when this response has no body whatever its head says (the answer to HEAD);
         *     ignored for requests
         */
        boolean head(MessageHead head);

        /** Bytes of the message's body (chunked coding removed), a slice of the caller's buffer: copy what is kept. */
        void body(byte[] b, int off, int len);

        /** The message ended. */
        void end();

        /** The connection switched to another protocol: nothing after this is read. */
        void upgraded();

        /** The bytes are not HTTP the parser can follow: nothing after this is read. */
        void failed(String why);
    }

    private enum State { HEAD, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER, UNTIL_CLOSE, UPGRADED, FAILED }

    private final Role role;
    private final Listener listener;
    private State state = State.HEAD;
    /** The head, or the chunk-size, chunk-end or trailer line, read so far. */
    private byte[] buffer = new byte[256];
    private int buffered;
    /** Trailer bytes read so far in this message. */
    private int trailers;
    /** Body bytes (or chunk bytes) still to come. */
    private long remaining;
    /** This request asked to switch protocols: once it ends, the rest is not HTTP. */
    private boolean upgradeAfter;

    MessageParser(Role role, Listener listener) {
        this.role = role;
        this.listener = listener;
    }

    /** Between messages, with no byte of the next one read: where a response's first byte starts. */
    boolean atMessageStart() {
        return state == State.HEAD && buffered == 0;
    }

    /** Upgraded or failed: it reads nothing more. */
    boolean stopped() {
        return state == State.UPGRADED || state == State.FAILED;
    }

    /** Reads {@code len} more bytes of this direction. */
    void feed(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end && !stopped()) {
            i = switch (state) {
                case HEAD -> head(b, i, end);
                case FIXED, CHUNK_DATA -> body(b, i, end);
                case CHUNK_SIZE, CHUNK_END, TRAILER -> line(b, i, end);
                case UNTIL_CLOSE -> {
                    listener.body(b, i, end - i);
                    yield end;
                }
                case UPGRADED, FAILED -> end;
            };
        }
    }

    /** This direction ended: a body that runs to the close ends; a message cut short fails. */
    void finish() {
        if (state == State.UNTIL_CLOSE) {
            state = State.HEAD;
            listener.end();
        } else if (!stopped() && !atMessageStart()) {
            fail("the connection ended inside a message");
        }
    }

    private int head(byte[] b, int i, int end) {
        while (i < end) {
            byte c = b[i++];
            if (buffered == 0 && (c == '\r' || c == '\n')) {
                continue; // blank lines before a message are ignored (RFC 9112 2.2)
            }
            if (buffered == MAX_HEAD) {
                fail("a head larger than " + MAX_HEAD + " bytes");
                return end;
            }
            append(c);
            if (c == '\n' && (buffer[buffered - 2] == '\n' || buffered >= 3 && buffer[buffered - 2] == '\r' && buffer[buffered - 3] == '\n')) {
                int size = buffered;
                buffered = 0;
                startMessage(size);
                return i;
            }
        }
        return i;
    }

    private int body(byte[] b, int i, int end) {
        int n = (int) Math.min(remaining, end - i);
        remaining -= n;
        listener.body(b, i, n);
        if (remaining == 0) {
            if (state == State.FIXED) {
                messageEnded();
            } else {
                state = State.CHUNK_END;
            }
        }
        return i + n;
    }

    /** A chunk-size line, the line end after a chunk's data, or a trailer line. */
    private int line(byte[] b, int i, int end) {
        while (i < end) {
            byte c = b[i++];
            if (buffered == MAX_LINE) {
                fail("a chunk or trailer line longer than " + MAX_LINE + " bytes");
                return end;
            }
            append(c);
            if (c == '\n') {
                String line = lineText();
                buffered = 0;
                endOfLine(line);
                return i;
            }
        }
        return i;
    }

    private void endOfLine(String line) {
        switch (state) {
            case CHUNK_SIZE -> {
                String size = line.split(";", 2)[0].strip();
                if (!CHUNK_SIZE.matcher(size).matches()) {
                    fail("a bad chunk size");
                } else if ((remaining = Long.parseLong(size, 16)) == 0) {
                    state = State.TRAILER;
                    trailers = 0;
                } else {
                    state = State.CHUNK_DATA;
                }
            }
            case CHUNK_END -> {
                if (line.isEmpty()) {
                    state = State.CHUNK_SIZE;
                } else {
                    fail("chunk data longer than its size");
                }
            }
            default -> { // TRAILER
                trailers += line.length() + 2;
                if (line.isEmpty()) {
                    state = State.HEAD;
                    messageEnded();
                } else if (trailers > MAX_HEAD) {
                    fail("trailers larger than " + MAX_HEAD + " bytes");
                }
            }
        }
    }

    /** The buffered line without its line end; a CR anywhere else makes it unreadable (a bad chunk size or trailer). */
    private String lineText() {
        int n = buffered - 1;
        if (n > 0 && buffer[n - 1] == '\r') {
            n--;
        }
        return new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
    }

    private void append(byte c) {
        if (buffered == buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, MAX_HEAD));
        }
        buffer[buffered++] = c;
    }

    /**
     * The head in {@code buffer[0, size)}: its lines read in place, checked by hand and turned into
     * strings only for the first line and each field's name and value (this runs for every message
     * of every inspected tunnel: no regex, no string of the whole head or of each line).
     */
    private void startMessage(int size) {
        int nl = indexOf('\n', 0, size);
        int end = withoutCr(0, nl);
        boolean request = role == Role.REQUEST;
        if (!(request ? isRequestLine(0, end) : isStatusLine(0, end))) {
            fail(request ? "not an HTTP request line" : "not an HTTP status line");
            return;
        }
        String first = latin1(0, end);
        List<Header> headers = new ArrayList<>();
        for (int start = nl + 1; start < size; start = nl + 1) {
            nl = indexOf('\n', start, size);
            end = withoutCr(start, nl);
            if (end == start) {
                break; // the empty line that ends the head
            }
            int colon = indexOf(':', start, end);
            if (colon == start || colon == end || !isToken(start, colon) || indexOf('\r', start, end) < end
                    || indexOf('\0', start, end) < end) {
                fail("a header line that is not NAME: VALUE");
                return;
            }
            int from = colon + 1;
            int to = end;
            while (from < to && Character.isWhitespace((char) (buffer[from] & 0xff))) {
                from++;
            }
            while (to > from && Character.isWhitespace((char) (buffer[to - 1] & 0xff))) {
                to--;
            }
            headers.add(new Header(latin1(start, colon), latin1(from, to)));
        }
        MessageHead head = new MessageHead(first, headers, size);
        if (request) {
            startRequest(head);
        } else {
            startResponse(head);
        }
    }

    /** The first index of {@code c} in {@code buffer[from, to)}, or {@code to}. */
    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == c) {
                return i;
            }
        }
        return to;
    }

    /** The end of the line {@code [start, nl)} without the CR before its LF. */
    private int withoutCr(int start, int nl) {
        return nl > start && buffer[nl - 1] == '\r' ? nl - 1 : nl;
    }

    private String latin1(int from, int to) {
        return new String(buffer, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** METHOD SP TARGET SP HTTP/d.d: a token, visible characters (or bytes over 0x7f), a version. */
    private boolean isRequestLine(int from, int to) {
        int sp = indexOf(' ', from, to);
        if (sp == from || sp == to || !isToken(from, sp)) {
            return false;
        }
        int target = sp + 1;
        int sp2 = indexOf(' ', target, to);
        if (sp2 == target || sp2 == to) {
            return false;
        }
        for (int i = target; i < sp2; i++) {
            int c = buffer[i] & 0xff;
            if (c < 0x21 || c == 0x7f) {
                return false;
            }
        }
        return to - (sp2 + 1) == 8 && isVersion(sp2 + 1);
    }

    /** HTTP/d.d SP ddd, then nothing or SP and a reason of tabs, visible characters and bytes over 0x7f. */
    private boolean isStatusLine(int from, int to) {
        if (to - from < 12 || !isVersion(from) || buffer[from + 8] != ' '
                || !isDigit(from + 9) || !isDigit(from + 10) || !isDigit(from + 11)) {
            return false;
        }
        if (to - from == 12) {
            return true;
        }
        if (buffer[from + 12] != ' ') {
            return false;
        }
        for (int i = from + 13; i < to; i++) {
            int c = buffer[i] & 0xff;
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** HTTP/d.d at {@code at}. */
    private boolean isVersion(int at) {
        return buffer[at] == 'H' && buffer[at + 1] == 'T' && buffer[at + 2] == 'T' && buffer[at + 3] == 'P'
                && buffer[at + 4] == '/' && isDigit(at + 5) && buffer[at + 6] == '.' && isDigit(at + 7);
    }

    private boolean isDigit(int at) {
        return buffer[at] >= '0' && buffer[at] <= '9';
    }

    /** RFC 9110 5.6.2: one or more tchar. */
    private boolean isToken(int from, int to) {
        if (from == to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            int c = buffer[i] & 0xff;
            boolean tchar = c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }

    private void startRequest(MessageHead head) {
        listener.head(head);
        if (head.method().equals("CONNECT")) {
            upgrade();
            return;
        }
        upgradeAfter = head.first("Upgrade") != null && head.lists("Connection", "upgrade");
        frame(head, false);
    }

    private void startResponse(MessageHead head) {
        int status = head.status();
        boolean bodyAllowed = listener.head(head);
        if (status == 101) {
            upgrade();
        } else if (status >= 100 && status < 200) {
            state = State.HEAD; // an interim response: the final one follows
        } else if (!bodyAllowed || status == 204 || status == 304) {
            messageEnded();
        } else {
            frame(head, true);
        }
    }

    /** Sets the state for the body its head announces (RFC 9112 6.3). */
    private void frame(MessageHead head, boolean response) {
        String codings = transferCodings(head);
        if (codings != null) {
            String[] list = codings.split(",");
            if (list[list.length - 1].strip().equalsIgnoreCase("chunked")) {
                state = State.CHUNK_SIZE;
            } else if (response) {
                state = State.UNTIL_CLOSE;
            } else {
                fail("a request transfer coding that does not end in chunked");
            }
            return;
        }
        long length = contentLength(head);
        if (length == -2) {
            fail("a bad Content-Length");
        } else if (length > 0) {
            state = State.FIXED;
            remaining = length;
        } else if (length == -1 && response) {
            state = State.UNTIL_CLOSE;
        } else {
            messageEnded();
        }
    }

    private static String transferCodings(MessageHead head) {
        StringBuilder all = null;
        for (Header h : head.headers()) {
            if (h.name().equalsIgnoreCase("Transfer-Encoding")) {
                all = all == null ? new StringBuilder(h.value()) : all.append(',').append(h.value());
            }
        }
        return all == null ? null : all.toString();
    }

    /** The Content-Length (equal values repeated are one), -1 for none, -2 for a bad one. */
    private static long contentLength(MessageHead head) {
        long length = -1;
        for (Header h : head.headers()) {
            if (h.name().equalsIgnoreCase("Content-Length")) {
                for (String v : h.value().split(",", -1)) {
                    String s = v.strip();
                    if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                        return -2;
                    }
                    long n = Long.parseLong(s);
                    if (length != -1 && length != n) {
                        return -2;
                    }
                    length = n;
                }
            }
        }
        return length;
    }

    private void messageEnded() {
        state = State.HEAD;
        listener.end();
        if (upgradeAfter) {
            upgrade();
        }
    }

    private void upgrade() {
        state = State.UPGRADED;
        listener.upgraded();
    }

    private void fail(String why) {
        state = State.FAILED;
        buffered = 0;
        listener.failed(why);
    }
}
