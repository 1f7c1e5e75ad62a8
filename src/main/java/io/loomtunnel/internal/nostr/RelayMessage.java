package io.loomtunnel.internal.nostr;

/** What a relay sends a client (NIP-01): {@link RelayMessages#decode} reads them. */
public sealed interface RelayMessage {

    /** {@code ["EVENT", <subscription id>, <event>]}: an event for one of our subscriptions, not yet verified. */
    record Event(String subscriptionId, NostrEvent event) implements RelayMessage {}

    /** {@code ["OK", <event id>, <true|false>, <message>]}: whether the relay took an event we sent. */
    record Ok(String eventId, boolean accepted, String message) implements RelayMessage {
        /** The machine-readable prefix of the message ({@code blocked}, {@code rate-limited}, ...), or "". */
        public String reason() {
            return RelayMessages.prefix(message);
        }
    }

    /** {@code ["EOSE", <subscription id>]}: the stored events are all sent; live ones follow. */
    record Eose(String subscriptionId) implements RelayMessage {}

    /** {@code ["CLOSED", <subscription id>, <message>]}: the relay ended or refused a subscription. */
    record Closed(String subscriptionId, String message) implements RelayMessage {
        /** The machine-readable prefix of the message, or "". */
        public String reason() {
            return RelayMessages.prefix(message);
        }
    }

    /** {@code ["NOTICE", <message>]}: text for a human. */
    record Notice(String message) implements RelayMessage {}

    /** A well-formed array whose type NIP-01 does not define ({@code AUTH}, {@code COUNT}, ...): ignored. */
    record Other(String type) implements RelayMessage {}
}
