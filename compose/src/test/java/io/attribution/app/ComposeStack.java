package io.attribution.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The services of {@code docker-compose.yml} as local processes, each started as Compose would
 * start it: its image's entrypoint with the file's command, the file's environment, the files it
 * mounts, after the services it depends on are started, healthy or done as its {@code depends_on}
 * says. {@link OneHost} is all that differs; the image paths become the build outputs their
 * Dockerfile copies, and the base images' programs the same programs on this host.
 */
final class ComposeStack implements AutoCloseable {

    /** Programs of the base images, and what runs them here (the same main class, the test's class path). */
    static final Map<String, List<String>> BASE_IMAGE_PROGRAMS = Map.of(
            "java", List.of(java()),
            "/opt/kafka/bin/connect-distributed.sh", List.of(java(), "-cp", System.getProperty("java.class.path"),
                    "org.apache.kafka.connect.cli.ConnectDistributed"),
            "/bin/sh", List.of("/bin/sh"));

    private static final Pattern PROBE = Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/([0-9]+) .*GET (/\\S*) HTTP");
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|h|m|s)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ComposeFile compose;
    private final OneHost host;
    private final Set<String> provided;
    private final Path workDir;
    private final Map<String, ServiceProcess> running = new LinkedHashMap<>();

    /**
     * @param provided the services the test runs itself (the broker, the registry, PostgreSQL):
     *                 ready before any other starts
     */
    ComposeStack(ComposeFile compose, OneHost host, Set<String> provided, Path workDir) {
        this.compose = compose;
        this.host = host;
        this.provided = Set.copyOf(provided);
        this.workDir = workDir;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The given services and what they depend on, each after its dependencies, and the ones that
     * wait for nothing but the provided services first: they start together, as Compose starts them.
     */
    List<String> startOrder(Set<String> services) {
        Set<String> order = new LinkedHashSet<>();
        services.forEach(service -> visit(service, order, new LinkedHashSet<>()));
        order.removeAll(provided);
        Map<String, Integer> depth = new HashMap<>();
        order.forEach(service -> depth.put(service, ComposeFile.dependencies(compose.service(service)).stream()
                .filter(dependency -> !provided.contains(dependency))
                .mapToInt(dependency -> depth.get(dependency) + 1).max().orElse(0)));
        return order.stream().sorted(Comparator.comparing(depth::get)).toList();
    }

    private void visit(String service, Set<String> order, Set<String> path) {
        if (!path.add(service)) {
            throw new IllegalStateException("a depends_on cycle: " + path);
        }
        ComposeFile.dependencies(compose.service(service)).forEach(dependency -> visit(dependency, order, path));
        path.remove(service);
        order.add(service);
    }

    /** Starts each service once its dependencies meet their conditions. */
    void start(Set<String> services, Duration dependencyTimeout) throws Exception {
        for (String service : startOrder(services)) {
            JsonNode dependsOn = compose.service(service).path("depends_on");
            for (String dependency : ComposeFile.dependencies(compose.service(service))) {
                if (!provided.contains(dependency)) {
                    String condition = dependsOn.isObject()
                            ? dependsOn.path(dependency).path("condition").asText("service_started") : "service_started";
                    awaitCondition(dependency, condition, dependencyTimeout);
                }
            }
            List<String> command = command(service);
            Map<String, String> environment = environment(service);
            running.put(service, ServiceProcess.start(service, command, environment, workDir));
        }
    }

    private void awaitCondition(String service, String condition, Duration timeout) throws Exception {
        ServiceProcess process = process(service);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean met = switch (condition) {
                case "service_started" -> true;
                case "service_healthy" -> healthy(service);
                case "service_completed_successfully" -> Integer.valueOf(0).equals(process.exitStatus());
                default -> throw new IllegalArgumentException(service + ": depends_on condition " + condition);
            };
            if (met) {
                return;
            }
            if (!condition.equals("service_completed_successfully") && !process.alive()) {
                throw new AssertionError(service + " ended (" + process.exitStatus() + ") before " + condition
                        + "\n" + process.tail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(service + " not " + condition + " within " + timeout + "\n" + process.tail(40));
            }
            Thread.sleep(500);
        }
    }

    ServiceProcess process(String service) {
        ServiceProcess process = running.get(service);
        if (process == null) {
            throw new IllegalStateException(service + " was not started");
        }
        return process;
    }

    /** The local URL of a service's container port. */
    URI uri(String service, int containerPort, String path) {
        return URI.create("http://" + host.address(service, containerPort) + path);
    }

    /** The healthcheck's probe (an HTTP GET of a path on a container port), where the service has one of that form. */
    Optional<Probe> probe(String service) {
        String test = String.join(" ", ComposeFile.texts(compose.service(service).path("healthcheck").path("test")));
        Matcher probe = PROBE.matcher(test);
        return probe.find() ? Optional.of(new Probe(Integer.parseInt(probe.group(1)), probe.group(2))) : Optional.empty();
    }

    record Probe(int containerPort, String path) {
    }

    /** What the healthcheck sees now: 200 is healthy (its {@code grep -q " 200 "}). */
    boolean healthy(String service) {
        Probe probe = probe(service).orElseThrow(() -> new AssertionError(service + ": no HTTP healthcheck to wait for"));
        return status(uri(service, probe.containerPort(), probe.path())) == 200;
    }

    static int status(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The image's entrypoint and the file's command (or the image's), image paths and programs made local. */
    List<String> command(String service) {
        JsonNode node = compose.service(service);
        Optional<ImageFile> image = image(node);
        List<String> entrypoint = node.has("entrypoint") ? ComposeFile.texts(node.path("entrypoint"))
                : image.map(ImageFile::entrypoint).orElse(List.of());
        List<String> command = node.has("command") ? ComposeFile.command(node)
                : image.map(ImageFile::cmd).orElse(List.of());
        List<String> words = new ArrayList<>(entrypoint);
        words.addAll(command);
        if (words.isEmpty()) {
            throw new IllegalArgumentException(service + ": no entrypoint nor command this test knows");
        }
        List<String> local = new ArrayList<>(BASE_IMAGE_PROGRAMS.getOrDefault(words.get(0), List.of()));
        if (local.isEmpty()) {
            throw new IllegalArgumentException(service + ": no local program for " + words.get(0));
        }
        for (String word : words.subList(1, words.size())) {
            local.add(word.startsWith("/") ? localFile(service, image, word).toString() : host.rewrite(service, word));
        }
        return local;
    }

    /** The file's environment, made local, and the host's PATH in place of the image's. */
    Map<String, String> environment(String service) {
        JsonNode node = compose.service(service);
        Map<String, String> environment = new LinkedHashMap<>(host.environment(service, ComposeFile.environment(node),
                ComposeFile.namedVolumes(node)));
        environment.put("PATH", System.getenv("PATH"));
        return environment;
    }

    /**
     * A file the service's command names: one its image copies or the file mounts. Configuration
     * the service reads (a Connect worker's properties, connector JSON) is copied with its
     * addresses made local; anything else is used where it is.
     */
    private Path localFile(String service, Optional<ImageFile> image, String imagePath) {
        List<Path> sources = new ArrayList<>();
        ComposeFile.bindMounts(compose.service(service)).forEach((hostPath, containerPath) -> {
            if (containerPath.equals(imagePath)) {
                sources.add(compose.root.resolve(hostPath).normalize());
            }
        });
        if (sources.isEmpty()) {
            image.ifPresent(definition -> sources.addAll(definition.local(imagePath)));
        }
        if (sources.size() != 1) {
            throw new IllegalArgumentException(service + ": " + imagePath + " is " + sources + " here, not one file");
        }
        Path source = sources.get(0);
        String name = source.getFileName().toString();
        if (name.endsWith(".json")) {
            return writeLocalJson(service, source);
        }
        if (name.endsWith(".properties")) {
            return writeLocalProperties(service, image.orElseThrow(), source);
        }
        return source;
    }

    private Path writeLocalJson(String service, Path source) {
        try {
            JsonNode local = rewriteTexts(service, JSON.readTree(source.toFile()));
            Path copy = Files.createDirectories(workDir.resolve(service)).resolve(source.getFileName());
            JSON.writerWithDefaultPrettyPrinter().writeValue(copy.toFile(), local);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode rewriteTexts(String service, JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(host.rewrite(service, node.asText()));
        }
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                field.setValue(rewriteTexts(service, field.getValue()));
            }
        }
        return node;
    }

    /**
     * A properties file: a value that is an image path becomes its local files (a path list, as
     * plugin.path takes), a {@code *.port} its local port, a bare service name (an advertised
     * host) the loopback; every other value is {@link OneHost#rewrite rewritten}.
     */
    private Path writeLocalProperties(String service, ImageFile image, Path source) {
        Properties file = new Properties();
        try (Reader reader = Files.newBufferedReader(source)) {
            file.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties local = new Properties();
        for (String key : file.stringPropertyNames()) {
            String value = file.getProperty(key);
            String mapped;
            if (value.startsWith("/")) {
                List<Path> files = image.local(value);
                if (files.isEmpty()) {
                    throw new IllegalArgumentException(source + ": " + key + "=" + value + " is in no COPY of the image");
                }
                mapped = files.stream().map(Path::toString).collect(Collectors.joining(","));
            } else if (key.endsWith(".port") && value.matches("[0-9]{1,5}")) {
                mapped = String.valueOf(host.port(service, Integer.parseInt(value)));
            } else if (compose.services().containsKey(value)) {
                mapped = OneHost.LOOPBACK;
            } else {
                mapped = host.rewrite(service, value);
            }
            local.setProperty(key, mapped);
        }
        try {
            Path copy = Files.createDirectories(workDir.resolve(service)).resolve(source.getFileName());
            try (Writer writer = Files.newBufferedWriter(copy)) {
                local.store(writer, "docker-compose.yml's " + service + " on one host: " + source);
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The image a service runs, when a service of the file builds it. */
    private Optional<ImageFile> image(JsonNode service) {
        String image = service.path("image").asText();
        return compose.services().values().stream()
                .filter(other -> other == service || other.has("build") && other.path("image").asText().equals(image))
                .filter(builder -> compose.dockerfile(builder).isPresent())
                .findFirst()
                .map(builder -> ImageFile.read(compose.root.resolve(compose.dockerfile(builder).get()),
                        compose.buildContext(builder)));
    }

    /** A Compose duration ({@code 40s}, {@code 1m30s}); Compose's default when absent. */
    static Duration duration(JsonNode value, Duration absent) {
        if (value.isMissingNode() || value.isNull()) {
            return absent;
        }
        Matcher part = DURATION.matcher(value.asText());
        Duration total = Duration.ZERO;
        while (part.find()) {
            long amount = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMillis(amount);
            });
        }
        return total;
    }

    /** Each service's stop grace period (Compose's default: 10 s). */
    Duration stopGracePeriod(String service) {
        return duration(compose.service(service).path("stop_grace_period"), Duration.ofSeconds(10));
    }

    /**
     * Stops every running service at once, as {@code docker compose down} does.
     *
     * @return the services that needed SIGKILL: still running after their stop grace period
     */
    List<String> stopAll() throws InterruptedException {
        List<String> killed = new ArrayList<>();
        List<Thread> stops = new ArrayList<>();
        for (ServiceProcess process : running.values()) {
            Thread stop = new Thread(() -> {
                try {
                    if (!process.stop(stopGracePeriod(process.name()))) {
                        synchronized (killed) {
                            killed.add(process.name());
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stop-" + process.name());
            stop.start();
            stops.add(stop);
        }
        for (Thread stop : stops) {
            stop.join();
        }
        running.clear();
        return killed;
    }

    @Override
    public void close() throws InterruptedException {
        stopAll();
    }
}
