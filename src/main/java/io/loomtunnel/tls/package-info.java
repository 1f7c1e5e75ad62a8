/**
 * TLS 1.3 transport with Ed25519 identities: endpoints are authenticated by the fingerprint of
 * their key ({@link io.loomtunnel.tls.PeerId}), never by a certificate authority.
 */
package io.loomtunnel.tls;
