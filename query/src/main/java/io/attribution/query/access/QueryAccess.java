package io.attribution.query.access;

import io.attribution.http.BearerToken;
import jakarta.servlet.http.HttpServletRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may ask the query API what. Open (no tokens file): every question is answered in full, as
 * on a laptop or behind the operator's own gate. With tokens: a client's question needs
 * {@code Authorization: Bearer <token>} of the file and is answered within the token's scope;
 * a question one instance forwards to another carries the instances' shared peer token instead,
 * since what it gets back is unfiltered and the asking instance applies the client's scope.
 */
public final class QueryAccess {

    /** Long enough that guessing it is not a plan. */
    static final int MIN_PEER_TOKEN_CHARS = 16;

    private final Optional<QueryTokens> tokens;
    private final Optional<String> peerToken;

    private QueryAccess(Optional<QueryTokens> tokens, Optional<String> peerToken) {
        this.tokens = tokens;
        this.peerToken = peerToken;
    }

    public static QueryAccess open() {
        return new QueryAccess(Optional.empty(), Optional.empty());
    }

    /**
     * @param peerToken the secret every instance of the application shares, sent on the questions
     *                  they forward to each other
     */
    public static QueryAccess withTokens(QueryTokens tokens, String peerToken) {
        Objects.requireNonNull(tokens, "tokens");
        if (peerToken == null || peerToken.strip().length() < MIN_PEER_TOKEN_CHARS) {
            throw new IllegalArgumentException("query.peer.token (QUERY_PEER_TOKEN) must be set to a secret of at least "
                    + MIN_PEER_TOKEN_CHARS + " characters, the same on every topology instance, once query.tokens.file"
                    + " is set: the instances ask each other with it");
        }
        return new QueryAccess(Optional.of(tokens), Optional.of(peerToken.strip()));
    }

    /** Whether questions need a token. */
    public boolean enforced() {
        return tokens.isPresent();
    }

    /** The scope of a client's question; empty when it has no token of the file (401). */
    public Optional<AccessScope> scopeOf(HttpServletRequest request) {
        if (tokens.isEmpty()) {
            return Optional.of(AccessScope.all());
        }
        return BearerToken.of(request).flatMap(tokens.get()::find).map(QueryTokens.Token::scope);
    }

    /** Whether a forwarded, local-scope question comes from another instance (always, when open). */
    public boolean fromPeer(HttpServletRequest request) {
        if (peerToken.isEmpty()) {
            return true;
        }
        return BearerToken.of(request).map(token -> MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                peerToken.get().getBytes(StandardCharsets.UTF_8))).orElse(false);
    }

    /** The header value an instance sends with the questions it forwards; empty when open. */
    public Optional<String> peerAuthorization() {
        return peerToken.map(BearerToken::header);
    }

}
