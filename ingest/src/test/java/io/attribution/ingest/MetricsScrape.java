package io.attribution.ingest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** One scrape of a management port's {@code /metrics}, read as Prometheus would read the text. */
record MetricsScrape(List<String> samples) {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static MetricsScrape of(URI management) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(management.resolve("/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("scrape answered " + response.statusCode() + ": " + response.body());
        }
        return new MetricsScrape(response.body().lines().filter(line -> !line.startsWith("#")).toList());
    }

    /** The value of one series, e.g. {@code postback_requests_total{outcome="accepted",status="200"}}. */
    Optional<Double> value(String series) {
        return samples.stream().filter(line -> line.startsWith(series + " "))
                .map(line -> Double.parseDouble(line.substring(series.length() + 1).split(" ")[0]))
                .findFirst();
    }

    /** Every sample line of one metric, labels and value included. */
    List<String> series(String name) {
        return samples.stream().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " ")).toList();
    }
}
