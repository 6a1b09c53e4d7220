package io.attribution.http;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Optional;

/** The token of a request's {@code Authorization: Bearer <token>} header (the scheme's case aside, RFC 7235). */
public final class BearerToken {

    private static final String SCHEME = "Bearer ";

    private BearerToken() {
    }

    /** Empty without the header, with another scheme, or with a blank token. */
    public static Optional<String> of(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Optional.empty();
        }
        String token = authorization.substring(SCHEME.length()).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** The header value that presents {@code token}. */
    public static String header(String token) {
        return SCHEME + token;
    }
}
