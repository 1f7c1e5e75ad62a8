package io.loomtunnel.internal.https;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * An app's response stream with one header field added to its final response head, right after the
 * status line (interim 1xx heads pass unchanged): how HSTS reaches HTTPS visitors without the
 * ingress's relay knowing of it. Reads byte by byte only until the field is in, then passes through.
 */
final class HeaderAddingInput extends FilterInputStream {
    private final byte[] field;
    private int fieldAt = -1; // -1: not sending the field; else the next byte of it to send
    private boolean done;
    private boolean inStatusLine = true;
    private boolean interim;
    private int statusChars; // characters of the status line seen, to find its status code
    private int lineLength; // bytes of the current header line (to see the empty line that ends a head)

    /** {@code line} is {@code Name: value}, without line end. */
    HeaderAddingInput(InputStream in, String line) {
        super(in);
        this.field = (line + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public int read() throws IOException {
        if (fieldAt >= 0) {
            int b = field[fieldAt++];
            if (fieldAt == field.length) {
                fieldAt = -1;
                done = true;
            }
            return b;
        }
        int b = super.read();
        if (b < 0 || done) {
            return b;
        }
        if (inStatusLine) {
            statusChars++;
            if (statusChars == 10) {
                interim = b == '1'; // "HTTP/1.1 1xx": the status code's first digit is the 10th character
            }
            if (b == '\n') {
                inStatusLine = false;
                lineLength = 0;
                if (!interim) {
                    fieldAt = 0;
                }
            }
        } else if (b == '\n') {
            if (lineLength <= 1) { // the empty line ("\r\n") that ends an interim head: a new head follows
                inStatusLine = true;
                statusChars = 0;
            }
            lineLength = 0;
        } else {
            lineLength++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (done && fieldAt < 0) {
            return super.read(b, off, len);
        }
        if (len == 0) {
            return 0;
        }
        int n = 0;
        while (n < len && !(done && fieldAt < 0)) {
            int c = read();
            if (c < 0) {
                return n == 0 ? -1 : n;
            }
            b[off + n++] = (byte) c;
            if (fieldAt < 0 && super.available() == 0 && !done) {
                break; // do not block for more of the head than is here
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] dropped = new byte[(int) Math.min(Math.max(n, 0), 4096)];
        return Math.max(read(dropped, 0, dropped.length), 0); // through read, so that the head is still watched
    }
}
