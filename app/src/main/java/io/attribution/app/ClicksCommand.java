package io.attribution.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code clicks send}: a click through an ingest server's {@code /click}, as a visitor's browser would send it. */
@Command(name = "clicks", description = "Send clicks through an ingest server's /click.")
final class ClicksCommand {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Spec
    CommandSpec spec;

    /** What {@code /click} answered: the click it stored and where it sent the visitor. */
    record Sent(String clickId, String location) {
    }

    @Command(name = "send", description = "GET /click on an ingest server without following the redirect; prints"
            + " the click_id it issued and the landing URL it sent the visitor to.")
    int send(@Option(names = "--campaign", required = true, paramLabel = "CAMPAIGN_ID") String campaign,
             @Option(names = "--affiliate", required = true, paramLabel = "AFFILIATE_ID") String affiliate,
             @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", paramLabel = "INGEST_URL",
                     description = "The ingest server (default: ${DEFAULT-VALUE}).") URI ingest,
             @Mixin SubOptions subs) throws InterruptedException {
        Sent sent = send(ingest, campaign, affiliate, subs.values());
        PrintWriter out = spec.commandLine().getOut();
        out.println("click_id: " + sent.clickId());
        out.println("landing:  " + sent.location());
        out.flush();
        return 0;
    }

    /**
     * @throws IllegalArgumentException the server could not be reached, or refused the click (its answer
     *                                  said why): the CLI prints it as one line
     */
    static Sent send(URI ingest, String campaign, String affiliate, Map<String, String> subs)
            throws InterruptedException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("campaign_id", campaign);
        query.put("affiliate_id", affiliate);
        query.putAll(subs);
        URI click = ingest.resolve("/click?" + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
        // Redirect.NEVER: the landing page is the advertiser's, and the answer itself says where it is.
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(TIMEOUT).build();
        HttpResponse<String> answer;
        try {
            answer = client.send(HttpRequest.newBuilder(click).timeout(TIMEOUT)
                    .header("User-Agent", "postback-pipeline-cli").GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot reach the ingest server at " + ingest + " (" + e + "): check --url");
        }
        if (answer.statusCode() != 302) {
            throw new IllegalArgumentException("ingest answered " + answer.statusCode() + ": " + message(answer.body()));
        }
        String location = answer.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("a 302 without a Location header"));
        return new Sent(field(answer.body(), "click_id"), location);
    }

    private static String message(String body) {
        String error = field(body, "error");
        String message = field(body, "message");
        return error == null ? body : error + (message == null ? "" : " - " + message);
    }

    private static String field(String body, String name) {
        try {
            JsonNode value = JSON.readTree(body).get(name);
            return value == null || value.isNull() ? null : value.asText();
        } catch (IOException notJson) {
            return null;
        }
    }

    /** {@code --sub1}..{@code --sub15}: the affiliate's values, as on a tracking link. */
    static final class SubOptions {
        @Option(names = "--sub1") String sub1;
        @Option(names = "--sub2") String sub2;
        @Option(names = "--sub3") String sub3;
        @Option(names = "--sub4") String sub4;
        @Option(names = "--sub5") String sub5;
        @Option(names = "--sub6") String sub6;
        @Option(names = "--sub7") String sub7;
        @Option(names = "--sub8") String sub8;
        @Option(names = "--sub9") String sub9;
        @Option(names = "--sub10") String sub10;
        @Option(names = "--sub11") String sub11;
        @Option(names = "--sub12") String sub12;
        @Option(names = "--sub13") String sub13;
        @Option(names = "--sub14") String sub14;
        @Option(names = "--sub15") String sub15;

        /** The subs given, by name, in order. */
        Map<String, String> values() {
            String[] given = {sub1, sub2, sub3, sub4, sub5, sub6, sub7, sub8, sub9, sub10, sub11, sub12, sub13,
                    sub14, sub15};
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < given.length; i++) {
                if (given[i] != null) {
                    values.put("sub" + (i + 1), given[i]);
                }
            }
            return values;
        }
    }
}
