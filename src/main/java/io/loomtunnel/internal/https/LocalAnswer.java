package io.loomtunnel.internal.https;

import io.loomtunnel.internal.http.Upstream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;

/**
 * An upstream that is not an app: it keeps the request line the ingress writes to it and answers
 * with a response made from it (a redirect), dropping the rest of the request. The ingress writes
 * the whole request before it reads, so the request line is there when the answer is read.
 */
final class LocalAnswer implements Upstream {
    private static final int MAX_LINE = 8 * 1024;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final Function<String, String> answer;
    private ByteArrayInputStream response;

    /** {@code answer} maps the request's target (origin-form, as the app would get it) to a whole response. */
    LocalAnswer(Function<String, String> answer) {
        this.answer = answer;
    }

    @Override
    public InputStream input() {
        return new InputStream() {
            @Override
            public int read() {
                return stream().read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return stream().read(b, off, len);
            }
        };
    }

    private synchronized ByteArrayInputStream stream() {
        if (response == null) {
            String first = line.toString(StandardCharsets.ISO_8859_1);
            int sp = first.indexOf(' ');
            int sp2 = first.indexOf(' ', sp + 1);
            String target = sp < 0 || sp2 < 0 ? "/" : first.substring(sp + 1, sp2);
            response = new ByteArrayInputStream(answer.apply(target).getBytes(StandardCharsets.ISO_8859_1));
        }
        return response;
    }

    @Override
    public OutputStream output() {
        return new OutputStream() {
            private boolean lineDone;

            @Override
            public void write(int b) {
                synchronized (LocalAnswer.this) {
                    if (!lineDone && line.size() < MAX_LINE) {
                        lineDone = b == '\r' || b == '\n';
                        if (!lineDone) {
                            line.write(b);
                        }
                    }
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                for (int i = 0; i < len && !lineDone; i++) {
                    write(b[off + i]);
                }
            }
        };
    }

    @Override
    public void shutdownOutput() {
    }

    @Override
    public void setReadTimeout(Duration timeout) {
    }

    @Override
    public void close() {
    }
}
