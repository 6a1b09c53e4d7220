package io.attribution.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attribution.avro.Click;
import io.attribution.query.routing.LocalStore;
import io.attribution.query.routing.PartitionUnavailable;
import io.attribution.topology.QueryStores;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The measured requests: each picks its click, campaign and instance at random, times the request
 * alone (choices made and answers checked outside the clock), and checks the answer: status 200,
 * the click asked for (or the campaign's exact postback count), answered by the instance it should
 * be. A wrong answer counts as an error and its latency is left out.
 */
final class QueryProbes {

    /** The kinds measured, in the order they are reported. */
    enum Kind {
        IN_PROCESS("keyed, in-process", "the same store read on the owner's clicks-store partition, no HTTP"),
        KEYED_LOCAL("keyed, HTTP, local", "GET /clicks/{id} on the instance that owns the click"),
        KEYED_FORWARDED("keyed, HTTP, forwarded", "GET /clicks/{id} on the other instance: one forwarded hop"),
        KEYED("keyed, HTTP, random instance", "GET /clicks/{id} on either instance (half forwarded)"),
        FAN_OUT("fan-out, HTTP, stats of a day", "GET /stats/campaigns/{id}?from&to over one day: all partitions, both instances");

        final String label;
        final String what;

        Kind(String label, String what) {
            this.label = label;
            this.what = what;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Serializer<String> KEYS = Serdes.String().serializer();
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int ERRORS_SHOWN = 10;

    private final List<QueryNode> nodes;
    private final QueryBenchOptions options;
    private final QueryInputLoader.Loaded loaded;
    private final Random random;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final String statsRange;
    private final List<String> errorSamples = new ArrayList<>();
    private long keyedAsked;
    private long keyedForwarded;

    QueryProbes(List<QueryNode> nodes, QueryBenchOptions options, QueryInputLoader.Loaded loaded) {
        this.nodes = nodes;
        this.options = options;
        this.loaded = loaded;
        this.random = new Random(options.seed());
        this.statsRange = "?from=" + loaded.postbackDay() + "&to=" + loaded.postbackDay().plus(Duration.ofDays(1));
    }

    /**
     * {@code requests} of every kind, interleaved one of each at a time (so every kind sees the
     * same machine, a shared machine's load swings included), the order of kinds rotated by round.
     */
    Map<Kind, Latencies> round(int round, int requests) {
        Map<Kind, Latencies> results = new EnumMap<>(Kind.class);
        List<Kind> order = new ArrayList<>(List.of(Kind.values()));
        java.util.Collections.rotate(order, round);
        order.forEach(kind -> results.put(kind, new Latencies()));
        for (int i = 0; i < requests; i++) {
            for (Kind kind : order) {
                probe(kind, results.get(kind));
            }
        }
        return results;
    }

    /** Share of the random-instance keyed requests (measured and warm-up) that the asked instance forwarded. */
    double forwardedShare() {
        return keyedAsked == 0 ? Double.NaN : (double) keyedForwarded / keyedAsked;
    }

    List<String> errorSamples() {
        return errorSamples;
    }

    private void probe(Kind kind, Latencies into) {
        try {
            String failure = switch (kind) {
                case IN_PROCESS -> inProcess(into);
                case KEYED -> keyed(into, nodes.get(random.nextInt(nodes.size())), null);
                case KEYED_LOCAL -> keyed(into, null, true);
                case KEYED_FORWARDED -> keyed(into, null, false);
                case FAN_OUT -> fanOut(into);
            };
            if (failure != null) {
                error(into, kind, failure);
            }
        } catch (IOException | RuntimeException e) {
            error(into, kind, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void error(Latencies into, Kind kind, String failure) {
        into.error();
        if (errorSamples.size() < ERRORS_SHOWN) {
            errorSamples.add(kind.label + ": " + failure);
        }
        // A deadlocked stream thread makes every later request time out: stop instead.
        Deadlocks.check();
    }

    /** A click that exists, with where it lives. */
    private record Target(String clickId, int partition, QueryNode owner, QueryNode other) {
    }

    private Target target() {
        String clickId = QueryInputLoader.clickId(random.nextInt(options.clicks()));
        KeyQueryMetadata metadata = nodes.get(0).streams.queryMetadataForKey(QueryStores.CLICKS, clickId, KEYS);
        QueryNode owner = null;
        QueryNode other = null;
        for (QueryNode node : nodes) {
            if (node.host.equals(metadata.activeHost())) {
                owner = node;
            } else if (other == null) {
                other = node;
            }
        }
        if (owner == null) {
            throw new IllegalStateException("no instance owns " + clickId + " (partition " + metadata.partition()
                    + ", active host " + metadata.activeHost() + ")");
        }
        return new Target(clickId, metadata.partition(), owner, other);
    }

    /** The baseline: the lookup the keyed endpoint does, made directly on the owner's store. */
    private String inProcess(Latencies into) {
        Target target = target();
        long start = System.nanoTime();
        Click latest;
        try {
            latest = LocalStore.read(target.owner().streams, QueryStores.CLICKS,
                    QueryableStoreTypes.<String, Click>windowStore(), target.partition(), true, store -> {
                        try (WindowStoreIterator<Click> newestFirst = store.backwardFetch(target.clickId(),
                                Instant.EPOCH, LATEST)) {
                            return newestFirst.hasNext() ? newestFirst.next().value : null;
                        }
                    });
        } catch (PartitionUnavailable e) {
            return "partition " + target.partition() + " unavailable: " + e.reason() + " " + e.getMessage();
        }
        long nanos = System.nanoTime() - start;
        if (latest == null || !latest.getClickId().equals(target.clickId())) {
            return "found " + (latest == null ? "nothing" : latest.getClickId()) + " for " + target.clickId();
        }
        into.add(nanos);
        return null;
    }

    /**
     * @param asked the instance to ask; null: the owner ({@code local} true) or the other one
     * @param local null: either is fine (and counted); else whether the asked instance must own the click
     */
    private String keyed(Latencies into, QueryNode asked, Boolean local) throws IOException, InterruptedException {
        Target target = target();
        QueryNode node = asked != null ? asked : (local ? target.owner() : target.other());
        HttpRequest request = get(node.uri("/clicks/" + target.clickId()));
        long start = System.nanoTime();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        long nanos = System.nanoTime() - start;
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode() + " from " + node.name + " for " + target.clickId() + ": "
                    + abbreviate(response.body());
        }
        JsonNode body = JSON.readTree(response.body());
        if (!target.clickId().equals(body.path("click_id").asText())
                || !target.clickId().equals(body.path("click").path("click_id").asText())) {
            return "asked " + target.clickId() + ", got " + abbreviate(response.body());
        }
        String answeredBy = body.path("answered_by").path(Integer.toString(target.partition())).asText();
        if (!answeredBy.equals(target.owner().name) || body.path("stale").asBoolean(true)) {
            return "click " + target.clickId() + " answered by " + answeredBy + " (stale " + body.path("stale")
                    + "), owner is " + target.owner().name;
        }
        boolean forwarded = !answeredBy.equals(node.name);
        if (local == null) {
            keyedAsked++;
            if (forwarded) {
                keyedForwarded++;
            }
        } else if (local == forwarded) {
            return "expected a " + (local ? "local" : "forwarded") + " answer on " + node.name + ", answered by "
                    + answeredBy;
        }
        into.add(nanos);
        return null;
    }

    private String fanOut(Latencies into) throws IOException, InterruptedException {
        String campaign = loaded.campaignIds().get(random.nextInt(loaded.campaignIds().size()));
        QueryNode node = nodes.get(random.nextInt(nodes.size()));
        HttpRequest request = get(node.uri("/stats/campaigns/" + campaign + statsRange));
        long start = System.nanoTime();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        long nanos = System.nanoTime() - start;
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode() + " from " + node.name + " for " + campaign + ": "
                    + abbreviate(response.body());
        }
        JsonNode body = JSON.readTree(response.body());
        long expected = loaded.postbacksByCampaign().get(campaign);
        long received = body.path("total").path("postbacks_received").asLong(-1);
        if (!campaign.equals(body.path("id").asText()) || received != expected) {
            return campaign + ": postbacks_received " + received + ", expected " + expected;
        }
        if (body.path("answered_by").size() != options.partitions() || body.path("stale").asBoolean(true)) {
            return campaign + ": answered by " + body.path("answered_by") + " (stale " + body.path("stale") + ")";
        }
        into.add(nanos);
        return null;
    }

    /** The postbacks_received of every campaign over the postback day, summed, as instance {@code node} answers. */
    long postbacksCounted(QueryNode node) throws IOException, InterruptedException {
        long total = 0;
        for (String campaign : loaded.campaignIds()) {
            HttpResponse<String> response = client.send(get(node.uri("/stats/campaigns/" + campaign + statsRange)),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return -1;
            }
            total += JSON.readTree(response.body()).path("total").path("postbacks_received").asLong();
        }
        return total;
    }

    /** The whole day's stats of every campaign together, for the report. */
    JsonNode totals(QueryNode node, String campaign) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(get(node.uri("/stats/campaigns/" + campaign + statsRange)),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? JSON.readTree(response.body()).path("total") : null;
    }

    private static HttpRequest get(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", "application/json").GET().build();
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    static String describe(Map<Kind, Latencies> round) {
        StringBuilder text = new StringBuilder();
        round.forEach((kind, latencies) -> text.append(String.format(Locale.ROOT, "%s p50 %.2f p99 %.2f%s; ",
                kind.name().toLowerCase(Locale.ROOT), latencies.percentileMillis(50), latencies.percentileMillis(99),
                latencies.errors() > 0 ? " ERRORS " + latencies.errors() : "")));
        return text.toString();
    }
}
