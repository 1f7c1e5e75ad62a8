/**
 * HTTPS for the server's HTTP virtual hosts: the TLS listener in front of the HTTP ingress
 * ({@link io.loomtunnel.internal.https.HttpsFront}), which peeks each ClientHello's server name and
 * either terminates TLS with the certificate chosen for that name or splices the raw bytes to a
 * passthrough tunnel; PEM certificates reloaded when their files change; HTTP-to-HTTPS redirects
 * and HSTS. See docs/HTTP.md, "HTTPS".
 */
package io.loomtunnel.internal.https;
