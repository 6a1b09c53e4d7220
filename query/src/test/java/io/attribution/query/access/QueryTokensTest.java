package io.attribution.query.access;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryTokensTest {

    @TempDir
    Path dir;

    @Test
    void aTokenIsFoundByWhatItDigestsToWithItsScope() throws Exception {
        QueryTokens tokens = QueryTokens.load(file("{\"tokens\": ["
                + entry("acme", QueryTokens.sha256("s3cret-acme"), "advertiser:acme") + ","
                + entry("all", QueryTokens.sha256("s3cret-all").toUpperCase(), "all") + "]}"));

        assertThat(tokens.find("s3cret-acme")).hasValueSatisfying(token -> {
            assertThat(token.name()).isEqualTo("acme");
            assertThat(token.scope()).isEqualTo(AccessScope.advertiser("acme"));
        });
        assertThat(tokens.find("s3cret-all").orElseThrow().scope().isAll()).isTrue();
        assertThat(tokens.find("s3cret-acm")).isEmpty();
        assertThat(tokens.find(QueryTokens.sha256("s3cret-acme"))).as("the digest is not the token").isEmpty();
    }

    @Test
    void aWrongFileIsRefusedNamingTheEntry() throws Exception {
        String digest = QueryTokens.sha256("t");
        assertThatThrownBy(() -> QueryTokens.load(dir.resolve("missing.json")))
                .hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> QueryTokens.load(file("{\"tokens\": []}"))).hasMessageContaining("at least one token");
        assertThatThrownBy(() -> QueryTokens.load(file("{\"tokens\": [" + entry("a", "abc", "all") + "]}")))
                .hasMessageContaining("tokens[0]").hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> QueryTokens.load(file("{\"tokens\": [" + entry("a", digest, "publisher:x") + "]}")))
                .hasMessageContaining("tokens[0]").hasMessageContaining("publisher:x");
        assertThatThrownBy(() -> QueryTokens.load(file("{\"tokens\": [" + entry("a", digest, "advertiser:") + "]}")))
                .hasMessageContaining("advertiser:");
        assertThatThrownBy(() -> QueryTokens.load(file("{\"tokens\": [" + entry("a", digest, "all") + ","
                + entry("b", digest, "all") + "]}"))).hasMessageContaining("tokens[1]").hasMessageContaining("'a'");
        assertThatThrownBy(() -> QueryTokens.load(file("{\"tokens\": [{\"sha256\": \"" + digest + "\", \"scope\": \"all\"}]}")))
                .hasMessageContaining("name is missing");
    }

    @Test
    void withTokensThePeerTokenIsRequired() throws Exception {
        QueryTokens tokens = QueryTokens.load(file("{\"tokens\": [" + entry("a", QueryTokens.sha256("t"), "all") + "]}"));
        assertThatThrownBy(() -> QueryAccess.withTokens(tokens, null)).hasMessageContaining("QUERY_PEER_TOKEN");
        assertThatThrownBy(() -> QueryAccess.withTokens(tokens, "short")).hasMessageContaining("at least 16");
        assertThat(QueryAccess.withTokens(tokens, "a-long-enough-peer-secret").peerAuthorization())
                .hasValue("Bearer a-long-enough-peer-secret");
        assertThat(QueryAccess.open().peerAuthorization()).isEmpty();
    }

    private Path file(String json) throws Exception {
        return Files.writeString(Files.createTempFile(dir, "tokens", ".json"), json);
    }

    private static String entry(String name, String digest, String scope) {
        return "{\"name\": \"" + name + "\", \"sha256\": \"" + digest + "\", \"scope\": \"" + scope + "\"}";
    }
}
