package io.loomtunnel.internal.http;

import io.loomtunnel.internal.h2.Frame;
import io.loomtunnel.internal.h2.FrameReader;
import io.loomtunnel.internal.h2.Frames;
import io.loomtunnel.internal.h2.HeaderField;
import io.loomtunnel.internal.h2.HpackDecoder;
import io.loomtunnel.internal.h2.HpackEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A hand-driven h2c client: sends what the test says, reads frames as text lines. */
final class RawH2 implements AutoCloseable {
    private final Socket socket;
    final OutputStream out;
    private final FrameReader reader;
    private final HpackDecoder decoder = new HpackDecoder(4096);

    /** Connects and sends the preface with {@code settings} (identifier, value pairs) in its SETTINGS. */
    RawH2(int port, int... settings) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(20_000);
        out = socket.getOutputStream();
        reader = new FrameReader(socket.getInputStream(), 1 << 20);
        out.write(FrameReader.PREFACE);
        out.write(Frames.settings(settings));
    }

    void headers(int stream, boolean end, List<HeaderField> pseudo, HeaderField... more) throws IOException {
        List<HeaderField> all = new ArrayList<>(pseudo);
        all.addAll(List.of(more));
        out.write(Frames.frame(Frame.HEADERS, Frame.END_HEADERS | (end ? Frame.END_STREAM : 0), stream, HpackEncoder.encode(all)));
    }

    void data(int stream, String text, boolean end) throws IOException {
        out.write(Frames.frame(Frame.DATA, end ? Frame.END_STREAM : 0, stream, text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** Frames until stream {@code id} ends (or, for -1, a GOAWAY), as "TYPE STREAM detail" lines; DATA as its text. */
    List<String> until(int id) throws IOException {
        return untilAll(List.of(id)).get(id);
    }

    /**
     * Frames until every stream of {@code ids} has ended (END_STREAM or RST_STREAM) or a GOAWAY came
     * (then the last line of each stream still open), per stream as {@link #until} gives them.
     */
    Map<Integer, List<String>> untilAll(Collection<Integer> ids) throws IOException {
        Map<Integer, List<String>> seen = new LinkedHashMap<>();
        ids.forEach(id -> seen.put(id, new ArrayList<>()));
        Set<Integer> open = new HashSet<>(ids);
        for (int i = 0; i < 10_000 * ids.size(); i++) {
            Frame f = read(seen);
            String line = describe(f);
            if (f.type() == Frame.GOAWAY) {
                open.forEach(id -> seen.get(id).add(line));
                return seen;
            }
            if (line != null && open.contains(f.stream())) {
                seen.get(f.stream()).add(line);
                if (f.type() == Frame.RST_STREAM || f.has(Frame.END_STREAM)) {
                    open.remove(f.stream());
                }
            }
            if (open.isEmpty()) {
                return seen;
            }
        }
        throw new AssertionError("streams " + open + " did not end in " + 10_000 * ids.size() + " frames");
    }

    /** The next frame of stream {@code id} as {@link #until} shows it (or a GOAWAY); other streams' frames are passed over. */
    String nextOf(int id) throws IOException {
        for (int i = 0; i < 10_000; i++) {
            Frame f = read("waiting for a frame of stream " + id);
            String line = describe(f);
            if (line != null && (f.stream() == id || f.type() == Frame.GOAWAY)) {
                return line;
            }
        }
        throw new AssertionError("no frame of stream " + id + " in 10000 frames");
    }

    private Frame read(Object soFar) throws IOException {
        Frame f = reader.read();
        if (f == null) {
            throw new IOException("closed after " + soFar);
        }
        return f;
    }

    /**
     * A frame as a line: HEADERS with its decoded fields (every block is decoded, for the HPACK
     * state), DATA as its text, RST_STREAM and GOAWAY with their codes; null for the others (a
     * SETTINGS is acknowledged).
     */
    private String describe(Frame f) throws IOException {
        switch (f.type()) {
            case Frame.HEADERS -> {
                StringBuilder sb = new StringBuilder("HEADERS " + f.stream());
                for (HeaderField h : decoder.decode(f.unpadded(), 1 << 20).fields()) {
                    sb.append(' ').append(h.name()).append('=').append(h.value());
                }
                return sb.toString();
            }
            case Frame.DATA -> {
                return new String(f.unpadded(), StandardCharsets.ISO_8859_1);
            }
            case Frame.RST_STREAM -> {
                return "RST_STREAM " + f.stream() + " " + f.int31At(0);
            }
            case Frame.GOAWAY -> {
                return "GOAWAY " + f.int31At(4);
            }
            case Frame.SETTINGS -> {
                if (!f.has(Frame.ACK)) {
                    try {
                        out.write(Frames.frame(Frame.SETTINGS, Frame.ACK, 0, new byte[0]));
                    } catch (IOException e) {
                        // the server may be ending the connection: its GOAWAY is still to read
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    static List<HeaderField> get(String authority, String path) {
        return request("GET", authority, path);
    }

    static List<HeaderField> post(String authority, String path) {
        return request("POST", authority, path);
    }

    private static List<HeaderField> request(String method, String authority, String path) {
        return List.of(new HeaderField(":method", method), new HeaderField(":scheme", "http"), new HeaderField(":authority", authority),
                new HeaderField(":path", path));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
