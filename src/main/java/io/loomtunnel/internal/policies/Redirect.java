package io.loomtunnel.internal.policies;

/**
 * Answers matching requests with a redirect instead of passing them on: status 301, 302, 307 or
 * 308 with a {@code Location} made by a {@link PathRewrite} (whose target may be a whole URL, as
 * {@code https://example.com/}), the query kept unless the new location has its own.
 */
public final class Redirect {
    private final PathRewrite rule;
    private final int status;

    /**
     * @throws PolicyException for another status
     */
    public Redirect(PathRewrite rule, int status) {
        if (status != 301 && status != 302 && status != 307 && status != 308) {
            throw new PolicyException("a redirect's status must be 301, 302, 307 or 308, got " + status);
        }
        this.rule = rule;
        this.status = status;
    }

    /** The status it answers with. */
    public int status() {
        return status;
    }

    /** The Location for this target, or null when the rule does not match it. */
    public String location(String target) {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String location = rule.rewrite(path);
        if (location == null) {
            return null;
        }
        if (location.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
            throw new PolicyException("the redirect's location is not usable");
        }
        return q < 0 || location.indexOf('?') >= 0 ? location : location + target.substring(q);
    }
}
