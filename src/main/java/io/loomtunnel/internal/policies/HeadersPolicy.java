package io.loomtunnel.internal.policies;

import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicyProvider;
import io.loomtunnel.plugin.PolicySettings;
import io.loomtunnel.plugin.Request;
import io.loomtunnel.plugin.RequestAction;
import io.loomtunnel.plugin.ResponseAction;
import io.loomtunnel.plugin.ResponseHead;

/**
 * {@code headers}: request and response header edits ({@code request_remove}, {@code
 * request_rewrite}, {@code request_set}, {@code request_add}, and the same with {@code response_}).
 */
final class HeadersPolicy implements Policy {
    private final HeaderEdits request;
    private final HeaderEdits response;

    HeadersPolicy(HeaderEdits request, HeaderEdits response) {
        this.request = request;
        this.response = response;
    }

    /** Registered in META-INF/services. */
    public static final class Provider implements PolicyProvider {
        @Override
        public String name() {
            return "headers";
        }

        @Override
        public Policy create(PolicySettings settings) throws PolicyConfigException {
            HeaderEdits request = HeaderEdits.read(settings, "request");
            HeaderEdits response = HeaderEdits.read(settings, "response");
            if (request.isEmpty() && response.isEmpty()) {
                throw settings.error("request_set", "or another edit (request_/response_ add, set, remove, rewrite) is required");
            }
            return new HeadersPolicy(request, response);
        }
    }

    @Override
    public RequestAction onRequest(Request r) {
        return request.isEmpty() ? RequestAction.CONTINUE : RequestAction.modify(r, request.apply(r.headers()));
    }

    @Override
    public ResponseAction onResponse(Request r, ResponseHead head) {
        return response.isEmpty() ? ResponseAction.CONTINUE
                : new ResponseAction.Modify(new ResponseHead(head.status(), response.apply(head.headers())));
    }
}
