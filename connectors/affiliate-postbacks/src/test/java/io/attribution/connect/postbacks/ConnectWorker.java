package io.attribution.connect.postbacks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attribution.embedded.Directories;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real Kafka Connect worker (standalone mode, as {@code connect-standalone.sh} starts one) in this JVM, with its
 * REST API on 127.0.0.1 and an ephemeral port, loading plugins from {@code plugin.path} in isolation like in
 * production. Public for bench's PostbackThroughputBenchmark, which gets it from this module's test-jar.
 */
public final class ConnectWorker implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** What a REST call answered. */
    public record Answer(int status, JsonNode body) {
    }

    private final Connect<StandaloneHerder> connect;
    private final URI restUrl;
    private final Path offsetsDir;

    private ConnectWorker(Connect<StandaloneHerder> connect, Path offsetsDir) {
        this.connect = connect;
        this.restUrl = connect.rest().serverUrl();
        this.offsetsDir = offsetsDir;
    }

    /** The plugin directory the package phase built; failsafe passes its location. */
    static Path pluginPath() {
        String path = System.getProperty("connect.plugin.path");
        if (path == null || !Files.isDirectory(Path.of(path))) {
            throw new IllegalStateException("No Connect plugin directory at " + path
                    + ": run the integration tests through Maven (mvn verify), after the package phase built it");
        }
        return Path.of(path);
    }

    public static ConnectWorker start(String bootstrapServers, Path pluginPath, Map<String, String> overrides) {
        // Connect exits the JVM when it cannot start; here that is a test failure.
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("Kafka Connect wanted to exit with " + code + ": " + message);
        });
        Path offsetsDir;
        try {
            offsetsDir = Files.createTempDirectory("connect-worker");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("plugin.path", pluginPath.toString());
        // Finds plugins through their ServiceLoader manifests: fast, and proves the plugin ships them.
        props.put("plugin.discovery", "service_load");
        props.put("listeners", "http://127.0.0.1:0");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("offset.storage.file.filename", offsetsDir.resolve("offsets").toString());
        props.put("offset.flush.interval.ms", "1000");
        props.putAll(overrides);
        ClassLoader testLoader = Thread.currentThread().getContextClassLoader();
        try {
            Connect<StandaloneHerder> connect = new ConnectStandalone().startConnect(props);
            connect.herder().ready();
            return new ConnectWorker(connect, offsetsDir);
        } finally {
            // Connect swaps its plugin-aware loader in on the calling thread.
            Thread.currentThread().setContextClassLoader(testLoader);
        }
    }

    URI restUrl() {
        return restUrl;
    }

    public Answer post(String path, Object body) {
        return call(HttpRequest.newBuilder(restUrl.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    public Answer put(String path, Object body) {
        return call(HttpRequest.newBuilder(restUrl.resolve(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    public Answer get(String path) {
        return call(HttpRequest.newBuilder(restUrl.resolve(path)).GET());
    }

    public Answer delete(String path) {
        return call(HttpRequest.newBuilder(restUrl.resolve(path)).DELETE());
    }

    /** Whether the connector and all its tasks run. */
    boolean running(String connector) {
        Answer status = get("/connectors/" + connector + "/status");
        if (status.status() != 200) {
            return false;
        }
        JsonNode tasks = status.body().path("tasks");
        if (!"RUNNING".equals(status.body().path("connector").path("state").asText()) || tasks.isEmpty()) {
            return false;
        }
        for (JsonNode task : tasks) {
            if ("FAILED".equals(task.path("state").asText())) {
                throw new AssertionError("Task failed: " + task.path("trace").asText());
            }
            if (!"RUNNING".equals(task.path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    private static String json(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer call(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            connect.stop();
        } finally {
            Exit.resetExitProcedure();
            Directories.deleteRecursively(offsetsDir);
        }
    }
}
