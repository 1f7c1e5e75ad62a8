package io.loomtunnel.internal.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** GitHub, Stripe and generic HMAC-SHA256 signatures, fed the body in pieces. */
class WebhookSignatureTest {
    private static final byte[] SECRET = "It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8);

    static byte[] hmac(byte[] secret, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean check(WebhookSignature w, Map<String, String> headers, String body) {
        WebhookSignature.Check c = w.begin(name -> headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList());
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += 3) {
            c.update(b, i, Math.min(3, b.length - i));
        }
        return c.verify();
    }

    @Test
    void githubsOwnExample() {
        // docs.github.com "Validating webhook deliveries": this secret and payload give this signature.
        String sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assertTrue(check(WebhookSignature.github(SECRET), Map.of("X-Hub-Signature-256", sig), "Hello, World!"));
        assertFalse(check(WebhookSignature.github(SECRET), Map.of("X-Hub-Signature-256", sig), "Hello, World?"));
        assertFalse(check(WebhookSignature.github(SECRET), Map.of(), "Hello, World!"));
        assertEquals("no X-Hub-Signature-256 header", WebhookSignature.github(SECRET).begin(n -> List.of()).problem());
    }

    @Test
    void stripeSignsTimestampDotBodyWithinTheTolerance() throws Exception {
        long now = 1_700_000_000L;
        String body = "{\"id\":\"evt_1\"}";
        String v1 = HexFormat.of().formatHex(hmac(SECRET, now + "." + body));
        WebhookSignature w = WebhookSignature.stripe(SECRET, 300, () -> now + 100);
        assertTrue(check(w, Map.of("Stripe-Signature", "t=" + now + ",v1=00ff,v1=" + v1 + ",v0=abc"), body));
        assertFalse(check(w, Map.of("Stripe-Signature", "t=" + now + ",v1=" + v1), body + " "));
        WebhookSignature late = WebhookSignature.stripe(SECRET, 300, () -> now + 301);
        assertFalse(check(late, Map.of("Stripe-Signature", "t=" + now + ",v1=" + v1), body));
        assertEquals("Stripe-Signature timestamp is outside the tolerance of 300 s",
                late.begin(n -> List.of("t=" + now + ",v1=" + v1)).problem());
    }

    @Test
    void genericHeaderWithPrefixInHexOrBase64() throws Exception {
        byte[] mac = hmac(SECRET, "payload");
        assertTrue(check(WebhookSignature.generic(SECRET, "X-Signature", "", true),
                Map.of("X-Signature", Base64.getEncoder().encodeToString(mac)), "payload"));
        assertTrue(check(WebhookSignature.generic(SECRET, "X-Sig", "v1=", false),
                Map.of("X-Sig", "v1=" + HexFormat.of().formatHex(mac).toUpperCase()), "payload"));
        assertFalse(check(WebhookSignature.generic(SECRET, "X-Sig", "v1=", false),
                Map.of("X-Sig", HexFormat.of().formatHex(mac)), "payload"), "prefix missing");
    }
}
