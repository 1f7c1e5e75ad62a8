package io.loomtunnel.internal.policies;

import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicyProvider;
import io.loomtunnel.plugin.PolicySettings;
import io.loomtunnel.plugin.Request;
import io.loomtunnel.plugin.RequestAction;

/**
 * {@code rewrite}: the path as the service sees it, by {@code prefix} or {@code regex}, to
 * {@code to}; the query is kept. A rewrite that yields no usable target fails the request (500,
 * the chain's log line), as a configuration fault.
 */
final class RewritePolicy implements Policy {
    private final PathRewrite rule;

    RewritePolicy(PathRewrite rule) {
        this.rule = rule;
    }

    /** Registered in META-INF/services. */
    public static final class Provider implements PolicyProvider {
        @Override
        public String name() {
            return "rewrite";
        }

        @Override
        public Policy create(PolicySettings settings) throws PolicyConfigException {
            return new RewritePolicy(Settings.pathRule(settings, PathRewrite::prefix));
        }
    }

    @Override
    public RequestAction onRequest(Request request) {
        String target = rule.apply(request.target());
        return target == null ? RequestAction.CONTINUE : new RequestAction.Modify(request.method(), target, request.headers());
    }
}
