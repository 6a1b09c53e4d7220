package io.attribution.query;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class DashboardPagesTest {

    private static final Pattern REFERENCE = Pattern.compile("(?:src|href)=\"([^\"]+)\"");

    @Test
    void everyFileThePageLoadsIsServedAtItsOwnPath() throws IOException {
        String page = resource("index.html");
        List<String> references = new ArrayList<>();
        Matcher matcher = REFERENCE.matcher(page);
        while (matcher.find()) {
            references.add(matcher.group(1));
        }

        assertThat(references).isNotEmpty();
        for (String reference : references) {
            // Relative to the page at "/": nothing from another origin, nothing the CSP would refuse.
            assertThat(reference).doesNotContain("//").doesNotStartWith("/");
            assertThat(DashboardPages.servlets()).containsKey("/" + reference);
        }
        assertThat(DashboardPages.servlets()).containsKey(DashboardPages.ROOT);
    }

    @Test
    void thePageRunsNoInlineScriptAndItsPolicyRefusesThem() throws IOException {
        assertThat(resource("index.html")).doesNotContain("<script>").doesNotContainPattern("(?i)\\son[a-z]+\\s*=");
        String policy = DashboardPages.HEADERS.get("Content-Security-Policy");
        assertThat(policy).contains("script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "*");
    }

    @Test
    void theScriptsNeverWriteMarkup() throws IOException {
        for (String script : List.of("dashboard.js", "chart.js")) {
            assertThat(resource(script)).as(script)
                    .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
        }
    }

    private static String resource(String file) throws IOException {
        try (InputStream in = DashboardPagesTest.class.getClassLoader()
                .getResourceAsStream(DashboardPages.FOLDER + "/" + file)) {
            assertThat(in).as(file).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
