package io.attribution.query.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The query API's read tokens, from the operator's tokens file: each a name, the SHA-256 of the
 * token (never the token itself: the file can be read without handing anyone access) and a scope.
 *
 * <pre>{"tokens": [{"name": "acme-dashboard", "sha256": "5e88...", "scope": "advertiser:acme"}]}</pre>
 */
public final class QueryTokens {

    /** A token of the file, by its name (logged; never the token or its digest). */
    public record Token(String name, AccessScope scope) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private final Map<String, Token> byDigest;

    private QueryTokens(Map<String, Token> byDigest) {
        this.byDigest = Map.copyOf(byDigest);
    }

    /** @throws IllegalArgumentException naming the file and the entry that is wrong */
    public static QueryTokens load(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("query tokens file " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.path("tokens").isArray() || root.path("tokens").isEmpty()) {
            throw new IllegalArgumentException("query tokens file " + file
                    + " must be {\"tokens\": [{\"name\": ..., \"sha256\": ..., \"scope\": ...}, ...]} with at least one token");
        }
        Map<String, Token> byDigest = new HashMap<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode entry : root.get("tokens")) {
            String where = "query tokens file " + file + ", tokens[" + index++ + "]";
            String name = text(entry, "name", where);
            String digest = text(entry, "sha256", where).toLowerCase();
            if (!digest.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(where + ": sha256 must be 64 hex digits (printf %s \"$TOKEN\" | sha256sum)");
            }
            AccessScope scope;
            try {
                scope = AccessScope.parse(text(entry, "scope", where));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException(where + ": the name '" + name + "' is used twice");
            }
            if (byDigest.putIfAbsent(digest, new Token(name, scope)) != null) {
                throw new IllegalArgumentException(where + ": the same token as '" + byDigest.get(digest).name() + "'");
            }
        }
        return new QueryTokens(byDigest);
    }

    private static String text(JsonNode entry, String field, String where) {
        JsonNode value = entry.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": " + field + " is missing");
        }
        return value.asText();
    }

    /** The token presented, if the file holds it. */
    public Optional<Token> find(String presented) {
        // A map keyed by the digest: looking it up tells nothing about a token one has not got.
        return Optional.ofNullable(byDigest.get(sha256(presented)));
    }

    static String sha256(String token) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
