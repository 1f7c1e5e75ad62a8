package io.loomtunnel.internal.policies;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 webhook signatures over the raw body, computed as the body streams past: GitHub's
 * {@code X-Hub-Signature-256: sha256=HEX}, Stripe's {@code Stripe-Signature: t=T,v1=HEX[,v1=HEX]}
 * over {@code T.BODY} with a timestamp tolerance, or a generic header with a prefix and hex or
 * base64. Signatures are compared in constant time.
 */
public final class WebhookSignature {
    /** Who signs the way this checks. */
    public enum Scheme { GITHUB, STRIPE, GENERIC }

    private final Scheme scheme;
    private final SecretKeySpec key;
    private final String header;
    private final String prefix;
    private final boolean base64;
    private final long toleranceSeconds;
    private final LongSupplier epochSeconds;

    private WebhookSignature(Scheme scheme, byte[] secret, String header, String prefix, boolean base64, long toleranceSeconds,
                             LongSupplier epochSeconds) {
        if (secret.length == 0) {
            throw new PolicyException("webhook-signature: the secret is empty");
        }
        this.scheme = scheme;
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.header = header;
        this.prefix = prefix;
        this.base64 = base64;
        this.toleranceSeconds = toleranceSeconds;
        this.epochSeconds = epochSeconds;
    }

    /** GitHub's form. */
    public static WebhookSignature github(byte[] secret) {
        return new WebhookSignature(Scheme.GITHUB, secret, "X-Hub-Signature-256", "sha256=", false, 0, () -> 0);
    }

    /** Stripe's form, refusing timestamps more than {@code toleranceSeconds} from now. */
    public static WebhookSignature stripe(byte[] secret, long toleranceSeconds, LongSupplier epochSeconds) {
        return new WebhookSignature(Scheme.STRIPE, secret, "Stripe-Signature", "", false, toleranceSeconds, epochSeconds);
    }

    /** A signature in {@code header}, after {@code prefix}, in hex or base64. */
    public static WebhookSignature generic(byte[] secret, String header, String prefix, boolean base64) {
        return new WebhookSignature(Scheme.GENERIC, secret, header, prefix, base64, 0, () -> 0);
    }

    /** The header the signature comes in. */
    public String header() {
        return header;
    }

    /**
     * Starts checking one request.
     *
     * @param headers the values of a header field by name (case-insensitive), empty when absent
     */
    public Check begin(Function<String, List<String>> headers) {
        Mac mac;
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
        List<String> values = headers.apply(header);
        if (values.size() != 1) {
            return new Check(mac, List.of(), values.isEmpty() ? "no " + header + " header" : "more than one " + header + " header");
        }
        String value = values.get(0).strip();
        return scheme == Scheme.STRIPE ? stripe(mac, value) : plain(mac, value);
    }

    private Check plain(Mac mac, String value) {
        if (!value.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return new Check(mac, List.of(), header + " does not start with " + prefix);
        }
        byte[] sig = decode(value.substring(prefix.length()), base64);
        return sig == null ? new Check(mac, List.of(), header + " is not " + (base64 ? "base64" : "hex"))
                : new Check(mac, List.of(sig), null);
    }

    private Check stripe(Mac mac, String value) {
        String t = null;
        List<byte[]> sigs = new ArrayList<>();
        for (String part : value.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String k = part.substring(0, eq).strip();
            String v = part.substring(eq + 1).strip();
            if (k.equals("t")) {
                t = v;
            } else if (k.equals("v1")) {
                byte[] sig = decode(v, false);
                if (sig != null && sigs.size() < 8) {
                    sigs.add(sig);
                }
            }
        }
        if (t == null || !t.matches("\\d{1,12}")) {
            return new Check(mac, List.of(), header + " has no timestamp t=");
        }
        if (Math.abs(epochSeconds.getAsLong() - Long.parseLong(t)) > toleranceSeconds) {
            return new Check(mac, List.of(), header + " timestamp is outside the tolerance of " + toleranceSeconds + " s");
        }
        if (sigs.isEmpty()) {
            return new Check(mac, List.of(), header + " has no v1= signature");
        }
        mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
        return new Check(mac, sigs, null);
    }

    private static byte[] decode(String text, boolean base64) {
        try {
            byte[] b = base64 ? Base64.getDecoder().decode(text.strip()) : HexFormat.of().parseHex(text.strip().toLowerCase(Locale.ROOT));
            return b.length == 32 ? b : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** One request's check: feed it the body as it passes, then ask. Not thread-safe: one body's thread. */
    public static final class Check {
        private final Mac mac;
        private final List<byte[]> expected;
        private final String problem;

        private Check(Mac mac, List<byte[]> expected, String problem) {
            this.mac = mac;
            this.expected = expected;
            this.problem = problem;
        }

        /** What is wrong with the headers already (the body cannot help), or null. */
        public String problem() {
            return problem;
        }

        /** Adds body bytes. */
        public void update(byte[] b, int off, int len) {
            if (problem == null) {
                mac.update(b, off, len);
            }
        }

        /** Whether the whole body, now seen, carries a valid signature; call once. */
        public boolean verify() {
            if (problem != null) {
                return false;
            }
            byte[] actual = mac.doFinal();
            boolean any = false;
            for (byte[] e : expected) {
                any |= MessageDigest.isEqual(actual, e); // every candidate compared: no early exit
            }
            return any;
        }
    }
}
