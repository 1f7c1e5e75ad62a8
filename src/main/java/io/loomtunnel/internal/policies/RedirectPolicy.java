package io.loomtunnel.internal.policies;

import io.loomtunnel.plugin.Headers;
import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicyProvider;
import io.loomtunnel.plugin.PolicySettings;
import io.loomtunnel.plugin.Request;
import io.loomtunnel.plugin.RequestAction;
import io.loomtunnel.plugin.Response;
import java.nio.charset.StandardCharsets;

/**
 * {@code redirect}: requests whose path matches {@code prefix} or {@code regex} are answered with
 * {@code status} (301, 302, 307 or 308; default 302) and {@code Location} made from {@code to}
 * (a path or an http(s) URL); the others go on.
 */
final class RedirectPolicy implements Policy {
    private final Redirect redirect;

    RedirectPolicy(Redirect redirect) {
        this.redirect = redirect;
    }

    /** Registered in META-INF/services. */
    public static final class Provider implements PolicyProvider {
        @Override
        public String name() {
            return "redirect";
        }

        @Override
        public Policy create(PolicySettings settings) throws PolicyConfigException {
            PathRewrite rule = Settings.pathRule(settings, PathRewrite::prefixToLocation);
            long status = settings.integer("status", 302, 300, 399);
            return new RedirectPolicy(Settings.parse(settings, "status", () -> new Redirect(rule, (int) status)));
        }
    }

    @Override
    public RequestAction onRequest(Request request) {
        String location = redirect.location(request.target());
        if (location == null) {
            return RequestAction.CONTINUE;
        }
        return RequestAction.respond(new Response(redirect.status(), Headers.of("Location", location,
                "Content-Type", "text/plain; charset=utf-8"), ("Moved to " + location + "\n").getBytes(StandardCharsets.UTF_8)));
    }
}
