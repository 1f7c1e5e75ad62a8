package io.loomtunnel.internal.inspect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A parser listener for the tests: what it heard, as lines, a message's body bytes joined into one "body:" line. */
final class ParserEvents implements MessageParser.Listener {
    final List<String> events = new ArrayList<>();
    private final StringBuilder body = new StringBuilder();
    /** Answers head() for responses: false makes the next response bodiless (the answer to HEAD). */
    boolean bodyAllowed = true;
    long bodyBytes;

    @Override
    public boolean head(MessageHead head) {
        flush();
        events.add("head:" + head.line() + " " + head.headers().size());
        return bodyAllowed;
    }

    @Override
    public void body(byte[] b, int off, int len) {
        if (len <= 0) {
            throw new AssertionError("a body call of " + len + " bytes");
        }
        bodyBytes += len;
        body.append(new String(b, off, len, StandardCharsets.ISO_8859_1));
    }

    @Override
    public void end() {
        flush();
        events.add("end");
    }

    @Override
    public void upgraded() {
        flush();
        events.add("upgraded");
    }

    @Override
    public void failed(String why) {
        flush();
        events.add("failed:" + why);
    }

    List<String> done() {
        flush();
        return events;
    }

    private void flush() {
        if (!body.isEmpty()) {
            events.add("body:" + body);
            body.setLength(0);
        }
    }

    /** Feeds {@code input} to a new parser in pieces of {@code piece} bytes, then ends the input; returns the events. */
    static List<String> parse(MessageParser.Role role, byte[] input, int piece) {
        ParserEvents events = new ParserEvents();
        MessageParser parser = new MessageParser(role, events);
        for (int i = 0; i < input.length; i += piece) {
            parser.feed(input, i, Math.min(piece, input.length - i));
        }
        parser.finish();
        return events.done();
    }

    static List<String> parse(MessageParser.Role role, String input, int piece) {
        return parse(role, input.getBytes(StandardCharsets.ISO_8859_1), piece);
    }
}
