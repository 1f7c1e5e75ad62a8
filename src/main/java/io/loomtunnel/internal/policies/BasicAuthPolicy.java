package io.loomtunnel.internal.policies;

import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicyProvider;
import io.loomtunnel.plugin.PolicySettings;
import io.loomtunnel.plugin.Request;
import io.loomtunnel.plugin.RequestAction;
import io.loomtunnel.plugin.Response;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.BiPredicate;

/**
 * {@code basic-auth}: HTTP Basic authentication against bcrypt htpasswd users, a {@code file}
 * (read again when it changes; the server's own policies and the client's) or inline
 * {@code users} lines (what a client's declared policy sends to the server). A request without
 * valid credentials gets 401 with {@code WWW-Authenticate: Basic realm="REALM", charset="UTF-8"}.
 */
final class BasicAuthPolicy implements Policy {
    private static final System.Logger LOG = System.getLogger(BasicAuthPolicy.class.getName());
    private final BiPredicate<String, String> users;
    private final String challenge;

    BasicAuthPolicy(BiPredicate<String, String> users, String realm) {
        this.users = users;
        this.challenge = "Basic realm=\"" + realm + "\", charset=\"UTF-8\"";
    }

    /** Registered in META-INF/services. */
    public static final class Provider implements PolicyProvider {
        @Override
        public String name() {
            return "basic-auth";
        }

        @Override
        public Policy create(PolicySettings settings) throws PolicyConfigException {
            String realm = settings.string("realm", "loomtunnel");
            if (!realm.matches("[\\x20-\\x7e&&[^\"\\\\]]{1,100}")) {
                throw settings.error("realm", "must be 1 to 100 printable ASCII characters without quotes or backslashes");
            }
            boolean hasFile = settings.has("file");
            if (hasFile == settings.has("users")) {
                throw settings.error(hasFile ? "users" : "file", hasFile ? "cannot be given with file" : "or users is required");
            }
            if (hasFile) {
                java.nio.file.Path file = settings.path("file");
                HtpasswdFile users = Settings.parse(settings, "file", () -> HtpasswdFile.open(file, System::nanoTime, line -> LOG.log(System.Logger.Level.WARNING, line)));
                return new BasicAuthPolicy(users::verify, realm);
            }
            String lines = String.join("\n", settings.strings("users"));
            Htpasswd users = Settings.parse(settings, "users", () -> Htpasswd.parse("users", lines));
            return new BasicAuthPolicy(users::verify, realm);
        }
    }

    @Override
    public RequestAction onRequest(Request request) {
        String header = request.headers().first("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String pair = decode(header.substring(6).strip());
            int colon = pair == null ? -1 : pair.indexOf(':');
            if (colon >= 0 && users.test(pair.substring(0, colon), pair.substring(colon + 1))) {
                return RequestAction.CONTINUE;
            }
        }
        Response text = Response.text(401, "Authentication required.\n");
        return RequestAction.respond(new Response(401, text.headers().add("WWW-Authenticate", challenge), text.body()));
    }

    /** The credentials as UTF-8 text, or null when they are not base64 of UTF-8. */
    private static String decode(String base64) {
        try {
            byte[] raw = Base64.getDecoder().decode(base64);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return null;
        }
    }
}
