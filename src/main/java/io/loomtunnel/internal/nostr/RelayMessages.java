package io.loomtunnel.internal.nostr;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.loomtunnel.internal.net.Quoted;
import java.util.regex.Pattern;

/**
 * Reads relay messages (NIP-01) strictly: a JSON array of exactly the members its type has, each
 * of its type; at most {@link EventJson#MAX_MESSAGE_CHARS} characters. Anything else is a
 * {@link NostrProtocolException} with one printable line.
 */
public final class RelayMessages {
    /** NIP-01: "an arbitrary, non-empty string of max length 64 chars". */
    public static final int MAX_SUBSCRIPTION_ID = 64;

    private static final Pattern PREFIX = Pattern.compile("([a-z][a-z0-9-]{0,31}):.*", Pattern.DOTALL);

    private RelayMessages() {}

    /** Parses one text message from a relay. */
    public static RelayMessage decode(String text) throws NostrProtocolException {
        JsonNode node = tree(text);
        if (!node.isArray() || node.isEmpty() || !node.get(0).isTextual()) {
            throw new NostrProtocolException("a relay message must be a JSON array starting with its type");
        }
        String type = node.get(0).textValue();
        return switch (type) {
            case "EVENT" -> {
                size(node, 3, type);
                yield new RelayMessage.Event(subscriptionId(node.get(1)), EventJson.read(node.get(2)));
            }
            case "OK" -> {
                size(node, 4, type);
                String id = string(node.get(1), "OK event id");
                if (!Hex.isLower(id, 32)) {
                    throw new NostrProtocolException("OK names no event id (64 lowercase hex digits)");
                }
                if (!node.get(2).isBoolean()) {
                    throw new NostrProtocolException("OK must say true or false");
                }
                yield new RelayMessage.Ok(id, node.get(2).booleanValue(), string(node.get(3), "OK message"));
            }
            case "EOSE" -> {
                size(node, 2, type);
                yield new RelayMessage.Eose(subscriptionId(node.get(1)));
            }
            case "CLOSED" -> {
                size(node, 3, type);
                yield new RelayMessage.Closed(subscriptionId(node.get(1)), string(node.get(2), "CLOSED message"));
            }
            case "NOTICE" -> {
                size(node, 2, type);
                yield new RelayMessage.Notice(string(node.get(1), "NOTICE message"));
            }
            default -> new RelayMessage.Other(type);
        };
    }

    /** The machine-readable prefix of an OK or CLOSED message ({@code "blocked: ..."} gives "blocked"), or "". */
    static String prefix(String message) {
        var m = PREFIX.matcher(message);
        return m.matches() ? m.group(1) : "";
    }

    /** Parses JSON text within the size limit. */
    static JsonNode tree(String text) throws NostrProtocolException {
        if (text.length() > EventJson.MAX_MESSAGE_CHARS) {
            throw new NostrProtocolException("message of " + text.length() + " characters exceeds " + EventJson.MAX_MESSAGE_CHARS);
        }
        try {
            return EventJson.MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new NostrProtocolException("not JSON: " + Quoted.quote(firstLine(e.getOriginalMessage())));
        } catch (RuntimeException e) {
            throw new NostrProtocolException("not JSON: " + e.getClass().getSimpleName());
        }
    }

    private static void size(JsonNode node, int size, String type) throws NostrProtocolException {
        if (node.size() != size) {
            throw new NostrProtocolException(type + " must have " + size + " members, got " + node.size());
        }
    }

    private static String subscriptionId(JsonNode node) throws NostrProtocolException {
        String id = string(node, "subscription id");
        if (id.isEmpty() || id.length() > MAX_SUBSCRIPTION_ID) {
            throw new NostrProtocolException("subscription id must have 1 to " + MAX_SUBSCRIPTION_ID + " characters");
        }
        return id;
    }

    private static String string(JsonNode node, String what) throws NostrProtocolException {
        if (!node.isTextual()) {
            throw new NostrProtocolException(what + " must be a string");
        }
        return node.textValue();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
