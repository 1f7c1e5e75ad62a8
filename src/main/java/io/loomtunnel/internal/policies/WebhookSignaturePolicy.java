package io.loomtunnel.internal.policies;

import io.loomtunnel.internal.files.SecretFile;
import io.loomtunnel.plugin.BodyFilter;
import io.loomtunnel.plugin.BodyRejectedException;
import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicyProvider;
import io.loomtunnel.plugin.PolicySettings;
import io.loomtunnel.plugin.Request;
import io.loomtunnel.plugin.RequestAction;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code webhook-signature}: refuses requests whose body does not carry a valid HMAC-SHA256
 * signature ({@code scheme} {@code github}, {@code stripe} or {@code generic} with {@code header},
 * {@code prefix} and {@code encoding} hex or base64; Stripe's {@code tolerance}, default 5m), on
 * every request or only those under {@code paths} (prefixes, whole segments).
 * A missing or malformed signature is refused with 401 before any byte is sent on; a wrong one
 * when the body has passed, before the service sees its end (the stream is reset), with 401.
 * The secret: {@code secret_file} or {@code secret_env} on the process's own config; inline
 * {@code secret} only as a client's declared policy on the server (it travels inside the TLS session).
 */
final class WebhookSignaturePolicy implements Policy {
    private final WebhookSignature signature;
    private final List<String> paths;

    WebhookSignaturePolicy(WebhookSignature signature, List<String> paths) {
        this.signature = signature;
        this.paths = List.copyOf(paths);
    }

    /** Registered in META-INF/services. */
    public static final class Provider implements PolicyProvider {
        private final Map<String, String> env;

        /** On the process's environment. */
        public Provider() {
            this(System.getenv());
        }

        Provider(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public String name() {
            return "webhook-signature";
        }

        @Override
        public Policy create(PolicySettings settings) throws PolicyConfigException {
            byte[] secret = secret(settings);
            String scheme = settings.string("scheme", "github");
            WebhookSignature w = switch (scheme) {
                case "github" -> WebhookSignature.github(secret);
                case "stripe" -> WebhookSignature.stripe(secret, settings.duration("tolerance", Duration.ofMinutes(5)).toSeconds(),
                        () -> System.currentTimeMillis() / 1000);
                case "generic" -> {
                    String header = settings.string("header");
                    String prefix = settings.string("prefix", "");
                    String encoding = settings.string("encoding", "hex");
                    if (!encoding.equals("hex") && !encoding.equals("base64")) {
                        throw settings.error("encoding", "must be \"hex\" or \"base64\"");
                    }
                    try {
                        new io.loomtunnel.plugin.Header(header, prefix);
                    } catch (IllegalArgumentException e) {
                        throw settings.error("header", "is not a usable header name and prefix");
                    }
                    yield WebhookSignature.generic(secret, header, prefix, encoding.equals("base64"));
                }
                default -> throw settings.error("scheme", "must be \"github\", \"stripe\" or \"generic\"");
            };
            List<String> paths = settings.strings("paths");
            for (String p : paths) {
                if (!p.startsWith("/")) {
                    throw settings.error("paths", "must be path prefixes starting with '/'");
                }
            }
            return new WebhookSignaturePolicy(w, paths);
        }

        private byte[] secret(PolicySettings settings) throws PolicyConfigException {
            int given = (settings.has("secret") ? 1 : 0) + (settings.has("secret_file") ? 1 : 0) + (settings.has("secret_env") ? 1 : 0);
            if (given != 1) {
                throw settings.error("secret_file", given == 0 ? "or secret_env is required" : "is given with another secret key; keep one");
            }
            String secret;
            if (settings.has("secret")) {
                if (!settings.remote()) {
                    throw settings.error("secret", "is for a client's declared policy only; in a config file use secret_file or secret_env");
                }
                secret = settings.string("secret");
            } else if (settings.has("secret_env")) {
                String name = settings.string("secret_env");
                if (settings.remote()) {
                    throw settings.error("secret_env", "names this process's environment, which a tunnel's client cannot do on the server");
                }
                secret = env.getOrDefault(name, "");
                if (secret.isBlank()) {
                    throw settings.error("secret_env", "names " + Cidr.printable(name) + ", which is not set");
                }
            } else {
                Path file = settings.path("secret_file");
                try {
                    String exposure = SecretFile.exposure(file);
                    if (exposure != null) {
                        throw settings.error("secret_file", "is " + exposure + "; run chmod 600 " + file);
                    }
                    secret = Files.readString(file, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw settings.error("secret_file", "cannot be read: " + e.getClass().getSimpleName());
                }
            }
            String s = secret.strip();
            if (s.isEmpty()) {
                throw settings.error("secret", "is empty");
            }
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Whether the request's path is one that must be signed: under one of {@code paths} (whole segments), or any without them. */
    private boolean signed(Request request) {
        if (paths.isEmpty()) {
            return true;
        }
        String path = request.path();
        for (String p : paths) {
            if (path.equals(p) || p.equals("/") || path.startsWith(p.endsWith("/") ? p : p + "/")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public RequestAction onRequest(Request request) {
        if (!signed(request)) {
            return RequestAction.CONTINUE;
        }
        String problem = signature.begin(request.headers()::all).problem();
        return problem == null ? RequestAction.CONTINUE : RequestAction.reject(401);
    }

    @Override
    public BodyFilter requestBody(Request request) {
        if (!signed(request)) {
            return BodyFilter.NONE;
        }
        WebhookSignature.Check check = signature.begin(request.headers()::all);
        return new BodyFilter() {
            @Override
            public ByteBuffer data(ByteBuffer chunk) {
                ByteBuffer view = chunk.duplicate();
                if (view.hasArray()) {
                    check.update(view.array(), view.arrayOffset() + view.position(), view.remaining());
                } else {
                    byte[] copy = new byte[view.remaining()];
                    view.get(copy);
                    check.update(copy, 0, copy.length);
                }
                return chunk;
            }

            @Override
            public ByteBuffer end() throws BodyRejectedException {
                if (!check.verify()) {
                    throw new BodyRejectedException(401, "the webhook signature does not match the body");
                }
                return ByteBuffer.allocate(0);
            }
        };
    }
}
