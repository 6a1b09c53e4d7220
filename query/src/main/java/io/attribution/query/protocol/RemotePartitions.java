package io.attribution.query.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The asking side of {@link QueryProtocol}: one local-scope GET to another instance for all the
 * partitions it is asked about. Short timeouts, because a dead instance must cost a question about
 * a second, not the client's whole patience; requests to several hosts run concurrently.
 */
public final class RemotePartitions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final Duration requestTimeout;
    private final Optional<String> peerAuthorization;

    public RemotePartitions(Duration connectTimeout, Duration requestTimeout) {
        this(connectTimeout, requestTimeout, Optional.empty());
    }

    /** @param peerAuthorization the {@code Authorization} the other instances take from this one, if any */
    public RemotePartitions(Duration connectTimeout, Duration requestTimeout, Optional<String> peerAuthorization) {
        this.peerAuthorization = peerAuthorization;
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                // Plain HTTP/1.1: no h2c upgrade attempt on every new connection.
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.requestTimeout = requestTimeout;
    }

    /**
     * @param pathAndQuery the question's raw path and query, without {@code partitions}
     * @return completes exceptionally when the host cannot be reached, times out, or answers
     *         anything but a 200 in the protocol's shape
     */
    public CompletableFuture<InstanceReply> fetch(HostInfo host, String pathAndQuery, Set<Integer> partitions,
                                              boolean activeOnly) {
        HttpRequest request;
        try {
            String separator = pathAndQuery.indexOf('?') >= 0 ? "&" : "?";
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://" + authority(host) + pathAndQuery
                            + separator + QueryProtocol.PARTITIONS + "=" + QueryProtocol.partitionList(partitions)))
                    .timeout(requestTimeout)
                    .header(QueryProtocol.SCOPE_HEADER, QueryProtocol.LOCAL)
                    .header(QueryProtocol.ACTIVE_ONLY_HEADER, Boolean.toString(activeOnly))
                    .header("Accept", "application/json");
            peerAuthorization.ifPresent(value -> builder.header("Authorization", value));
            request = builder.GET().build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new RemoteFailure("HTTP " + response.statusCode());
            }
            try {
                return InstanceReply.fromJson(JSON.readTree(response.body()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String authority(HostInfo host) {
        // An IPv6 literal needs brackets in a URI.
        return (host.host().indexOf(':') >= 0 ? "[" + host.host() + "]" : host.host()) + ":" + host.port();
    }

    /** The other instance answered, but not with local partition answers. */
    public static final class RemoteFailure extends RuntimeException {
        RemoteFailure(String message) {
            super(message, null, false, false);
        }
    }
}
