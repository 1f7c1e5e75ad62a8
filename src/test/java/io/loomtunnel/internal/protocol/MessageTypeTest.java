package io.loomtunnel.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.tunnel.ServiceFailure;
import io.loomtunnel.internal.wire.ProtocolException;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The registry: one tag per record, every message record registered, round trips, and the spec's tables. */
class MessageTypeTest {

    @Test
    void noTagOrRecordIsRegisteredTwice() {
        Set<String> tags = new HashSet<>();
        Set<Class<?>> records = new HashSet<>();
        for (MessageType t : MessageType.values()) {
            assertTrue(tags.add(t.tag()), "tag " + t.tag() + " twice");
            assertTrue(records.add(t.record()), t.record().getSimpleName() + " twice");
            assertSame(t, MessageType.ofTag(t.tag()));
            assertSame(t, MessageType.of(t.record()));
        }
    }

    /** A record added under the sealed interface but not to the registry could not be sent or received. */
    @Test
    void everyMessageRecordIsRegistered() {
        Set<String> leaves = new TreeSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(ControlMessage.class));
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (c.isSealed()) {
                todo.addAll(Arrays.asList(c.getPermittedSubclasses()));
            } else if (c != UnknownMessage.class) {
                leaves.add(c.getSimpleName());
            }
        }
        Set<String> registered = new TreeSet<>();
        for (MessageType t : MessageType.values()) {
            registered.add(t.record().getSimpleName());
        }
        assertEquals(leaves, registered);
    }

    /** Each type, with every member set, encodes with its tag first and decodes to the same record. */
    @ParameterizedTest
    @EnumSource(MessageType.class)
    void roundTrips(MessageType type) throws Exception {
        ControlMessage sample = sample(type.record());
        byte[] json = ControlCodec.encode(sample);
        assertTrue(new String(json, StandardCharsets.UTF_8).startsWith("{\"type\":\"" + type.tag() + "\""),
                new String(json, StandardCharsets.UTF_8));
        assertEquals(sample, ControlCodec.decode(json));
        assertEquals(type.tag(), sample.type());
    }

    /** A record whose every component has a value: strings name their member, numbers are small. */
    private static ControlMessage sample(Class<? extends ControlMessage> record) throws ReflectiveOperationException {
        RecordComponent[] components = record.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = types[i] == String.class ? components[i].getName() + " \u00e9\"x"
                    : types[i] == int.class || types[i] == Integer.class ? 40 + i
                    : types[i] == List.class && components[i].getGenericType().getTypeName().contains("Map")
                            ? List.of(Map.of("type", "basic-auth", "realm", "x"))
                    : types[i] == List.class ? List.of("a", "b")
                    : types[i] == Boolean.class ? Boolean.TRUE
                    : null;
            if (values[i] == null) {
                throw new AssertionError("no sample value for " + types[i] + " in " + record.getSimpleName());
            }
        }
        return record.getDeclaredConstructor(types).newInstance(values);
    }

    /** Exact bytes for two messages whose shape the spec shows, so the wire format cannot drift unseen. */
    @Test
    void exactBytes() throws ProtocolException {
        assertEquals("{\"type\":\"open_tunnel\",\"request\":0,\"name\":\"ssh\",\"tunnelType\":\"tcp\",\"remotePort\":2222}",
                text(new OpenTunnel(0, "ssh", "tcp", 2222, null, null, null, null)));
        assertEquals("{\"type\":\"open_tunnel\",\"request\":1,\"name\":\"web\",\"tunnelType\":\"http\",\"host\":\"web\","
                + "\"policies\":[{\"type\":\"ip-allow\",\"cidrs\":[\"10.0.0.0/8\"]}]}",
                text(new OpenTunnel(1, "web", "http", null, "web", null, null,
                        List.of(new java.util.LinkedHashMap<>(Map.of("type", "ip-allow")) {{ put("cidrs", List.of("10.0.0.0/8")); }}))));
        assertEquals("{\"type\":\"tunnel_opened\",\"request\":1,\"name\":\"web\",\"tunnelId\":3,\"address\":\"http://web.example.org\","
                + "\"policies\":1}", text(new TunnelOpened(1, "web", 3, "http://web.example.org", 1)));
        assertEquals("{\"type\":\"p2p_relay_ready\"}", text(new RelayReady()));
        assertEquals(new RelayReady(), ControlCodec.decode("{\"type\":\"p2p_relay_ready\"}".getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(ControlMessage m) {
        return new String(ControlCodec.encode(m), StandardCharsets.UTF_8);
    }

    /** The table at the top of each spec lists exactly the registry's messages of that spec. */
    @ParameterizedTest
    @ValueSource(strings = {"TUNNEL.md:8.", "P2P.md:9."})
    void specTableMatchesTheRegistry(String docAndSection) throws IOException {
        String doc = docAndSection.substring(0, docAndSection.indexOf(':'));
        String section = docAndSection.substring(docAndSection.indexOf(':') + 1);
        String text = Files.readString(Path.of("docs/protocol", doc));
        TreeMap<String, String> inDoc = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9_]+)` \\| `(\\w+)` \\| ([^|]+?) \\| ([0-9.]+) \\|$").matcher(text);
        while (m.find()) {
            String row = m.group(2) + " | " + m.group(3) + " | " + m.group(4);
            assertEquals(null, inDoc.put(m.group(1), row), "type " + m.group(1) + " listed twice in " + doc);
        }
        TreeMap<String, String> inRegistry = new TreeMap<>();
        for (MessageType t : MessageType.values()) {
            if (t.section().startsWith(section)) {
                inRegistry.put(t.tag(), t.record().getSimpleName() + " | " + t.direction() + " | " + t.section());
            }
        }
        assertEquals(inRegistry, inDoc, "docs/protocol/" + doc + " and MessageType");
    }

    /**
     * The other registry of wire values: SESSION.md's table of error codes lists exactly
     * {@link ErrorCode}'s codes and names, numbered without a gap (ofCode indexes by number), and
     * TUNNEL.md's table of the service failure codes (8.2) names the same numbers as the enum.
     */
    @Test
    void errorCodeTablesMatchTheEnum() throws IOException {
        TreeMap<Integer, String> inDoc = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\| (\\d+) \\| `([A-Z_]+)` \\|").matcher(Files.readString(Path.of("docs/protocol/SESSION.md")));
        while (m.find()) {
            assertEquals(null, inDoc.put(Integer.parseInt(m.group(1)), m.group(2)), "code " + m.group(1) + " listed twice");
        }
        TreeMap<Integer, String> inEnum = new TreeMap<>();
        for (ErrorCode c : ErrorCode.values()) {
            assertEquals(c.ordinal(), c.code, c + ": codes are numbered without a gap");
            inEnum.put(c.code, c.name());
            assertSame(c, ErrorCode.ofCode(c.code));
        }
        assertEquals(inEnum, inDoc, "docs/protocol/SESSION.md section 5 and ErrorCode");

        Matcher service = Pattern.compile("`(SERVICE_[A-Z_]+)` \\((\\d+)\\)").matcher(Files.readString(Path.of("docs/protocol/TUNNEL.md")));
        Set<String> named = new TreeSet<>();
        while (service.find()) {
            assertEquals(ErrorCode.valueOf(service.group(1)).code, Integer.parseInt(service.group(2)), service.group());
            named.add(service.group(1));
        }
        Set<String> failures = new TreeSet<>();
        for (ServiceFailure f : ServiceFailure.values()) {
            failures.add(f.code.name());
            assertSame(f, ServiceFailure.of(f.code));
        }
        assertEquals(failures, named, "docs/protocol/TUNNEL.md 8.2 and ServiceFailure");
    }
}
