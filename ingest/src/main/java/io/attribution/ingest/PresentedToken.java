package io.attribution.ingest;

import io.attribution.campaigns.SecurityToken;
import io.attribution.postback.PostbackParameters;

/**
 * The security token a postback presents, digested once for the request: the edge's check and the
 * record (which keeps only digests) share the digest. Read only when first asked for, as the token
 * is only checked for a campaign that has one (a token sent twice with two values is then malformed).
 */
final class PresentedToken {

    private final PostbackParameters params;
    private boolean read;
    private String token;
    private String digest;

    PresentedToken(PostbackParameters params) {
        this.params = params;
    }

    /**
     * @return the {@link SecurityToken#digest} of the postback's token, or null when it has none
     * @throws io.attribution.postback.InvalidParameterException the token has conflicting values, or is an unfilled macro
     */
    String digest() {
        if (!read) {
            token = params.securityToken().orElse(null);
            digest = token == null ? null : SecurityToken.digest(token);
            read = true;
        }
        return digest;
    }

    /** The digest of one value the postback sent as a token: the one already computed when it is that token. */
    String digestOf(String value) {
        return read && value.equals(token) ? digest : SecurityToken.digest(value);
    }
}
