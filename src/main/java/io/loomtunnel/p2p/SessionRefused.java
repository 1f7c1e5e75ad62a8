package io.loomtunnel.p2p;

/** Share to connect: no session on this connection, and why ({@link RefusalCode} wire name and a reason to print). */
public record SessionRefused(String session, String code, String reason) {
    public static final String TYPE = "p2p_refused";
}
