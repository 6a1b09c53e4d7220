package io.attribution.admin;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the postback tester fires postbacks (the ingest edge) and asks what became of them (the
 * query API). Both are called by the admin server itself, not by the page: the page talks to its
 * own origin only, so neither ingest nor the query API needs CORS, and the query API's read token
 * never reaches a browser.
 *
 * @param ingest     the ingest server's base URI, e.g. {@code http://127.0.0.1:8080}
 * @param query      the query API's base URI, e.g. {@code http://127.0.0.1:8082}
 * @param queryToken a read token of the query API with the scope {@code all}, when it asks for tokens
 */
public record TesterTargets(URI ingest, URI query, Optional<String> queryToken) {

    public TesterTargets {
        Objects.requireNonNull(ingest, "ingest");
        Objects.requireNonNull(query, "query");
        queryToken = queryToken == null ? Optional.empty() : queryToken.filter(token -> !token.isBlank());
    }

    /** The base URI without a trailing slash, so paths can be appended. */
    static String base(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
