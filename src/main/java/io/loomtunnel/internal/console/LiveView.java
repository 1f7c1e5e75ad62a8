package io.loomtunnel.internal.console;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.NonBlockingReader;

/**
 * A view that refreshes until a key is pressed: redrawn in place on a real terminal (raw mode,
 * the key is taken), appended frame after frame on a dumb terminal or a pipe (the key is only
 * looked at, so the next scripted command stays whole). Used by the console's {@code stats} and
 * by {@code loomtunnel status --watch}.
 */
public final class LiveView {
    /** One frame's text. */
    public interface Frame {
        String render() throws IOException;
    }

    private final Terminal terminal;

    LiveView(Terminal terminal) {
        this.terminal = terminal;
    }

    /** Runs on this process's own terminal (or a dumb one over its standard streams) until a key or the end of input. */
    public static void onSystemTerminal(Frame frame, Duration every) throws IOException {
        try (Terminal t = TerminalBuilder.builder().name("loomtunnel").system(true).dumb(true).build()) {
            new LiveView(t).run(frame, every, 0);
        }
    }

    /** @param count stop after this many frames; 0 = only a key stops it */
    void run(Frame frame, Duration every, int count) throws IOException {
        boolean real = !terminal.getType().startsWith(Terminal.TYPE_DUMB);
        PrintWriter out = terminal.writer();
        Attributes saved = real ? terminal.enterRawMode() : null;
        try {
            int drawn = 0;
            for (int frames = 1; ; frames++) {
                String text = frame.render() + (count > 0 ? "" : "(press any key to stop)\n");
                if (real && drawn > 0) {
                    out.print("\033[" + drawn + "F\033[J"); // up to the first line of the last frame, clear below
                }
                out.print(real ? text.replace("\n", "\r\n") : text); // raw mode: no newline translation
                out.flush();
                drawn = (int) text.lines().count();
                if (count > 0 ? frames >= count || pause(every) : keyPressed(real, every)) {
                    return;
                }
            }
        } finally {
            if (saved != null) {
                terminal.setAttributes(saved);
            }
        }
    }

    /** With a frame count, keys do not stop the view (a script's next command must not): only wait. */
    private static boolean pause(Duration every) throws java.io.InterruptedIOException {
        try {
            Thread.sleep(every);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    private boolean keyPressed(boolean real, Duration every) throws IOException {
        NonBlockingReader in = terminal.reader();
        int c = real ? in.read(every.toMillis()) : in.peek(every.toMillis());
        return c != NonBlockingReader.READ_EXPIRED;
    }
}
