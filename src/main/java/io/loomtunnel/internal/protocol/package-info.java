/**
 * The protocol's messages in one place (docs/protocol/TUNNEL.md, P2P.md, and SESSION.md 1.2):
 * every JSON message with a {@code "type"} tag is a record under the sealed
 * {@link io.loomtunnel.internal.protocol.ControlMessage}, grouped by conversation, its tag declared
 * once in {@link io.loomtunnel.internal.protocol.MessageType}, read and written by
 * {@link io.loomtunnel.internal.protocol.ControlCodec}. A receiver decodes and then switches over
 * the sealed types it may get, so adding a message makes every such switch name it. The package
 * depends on nothing of loomtunnel but {@code internal.wire}; it holds no state and no lock.
 */
package io.loomtunnel.internal.protocol;
