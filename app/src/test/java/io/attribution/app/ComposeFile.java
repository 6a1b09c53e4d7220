package io.attribution.app;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's {@code docker-compose.yml}, read the way Compose reads it as far as the checks
 * of {@link ComposeFileTest} need: services, their environment with {@code ${NAME:-default}}
 * resolved to the default, commands, ports, volumes and dependencies.
 */
final class ComposeFile {

    /** Our services run the image built from this Dockerfile: app/target/postback-pipeline.jar. */
    static final String APP_DOCKERFILE = "deploy/Dockerfile";

    static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?}");

    final Path root;
    final JsonNode document;

    private ComposeFile(Path root, JsonNode document) {
        this.root = root;
        this.document = document;
    }

    static ComposeFile load() {
        Path root = repositoryRoot();
        return new ComposeFile(root, readYaml(root.resolve("docker-compose.yml")));
    }

    static JsonNode readYaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder above the test's working directory that holds docker-compose.yml. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
    }

    Map<String, JsonNode> services() {
        Map<String, JsonNode> services = new LinkedHashMap<>();
        document.path("services").properties().forEach(entry -> services.put(entry.getKey(), entry.getValue()));
        return services;
    }

    JsonNode service(String name) {
        JsonNode service = document.path("services").path(name);
        if (service.isMissingNode()) {
            throw new AssertionError("no service " + name);
        }
        return service;
    }

    /** The services built from {@link #APP_DOCKERFILE}, and those that run the image one of them builds, by name. */
    Map<String, OurService> ourServices() {
        Set<String> ourImages = new HashSet<>();
        services().values().stream().filter(service -> APP_DOCKERFILE.equals(dockerfile(service).orElse(null)))
                .forEach(service -> ourImages.add(service.path("image").asText()));
        Map<String, OurService> ours = new LinkedHashMap<>();
        services().forEach((name, service) -> {
            if (APP_DOCKERFILE.equals(dockerfile(service).orElse(null))
                    || (!service.has("build") && ourImages.contains(service.path("image").asText()))) {
                ours.put(name, new OurService(name, service, environment(service), command(service)));
            }
        });
        return ours;
    }

    /** The Dockerfile a service is built from, relative to the repository root. */
    Optional<String> dockerfile(JsonNode service) {
        if (service.path("build").isMissingNode()) {
            return Optional.empty();
        }
        String dockerfile = service.path("build").path("dockerfile").asText("Dockerfile");
        return Optional.of(root.relativize(buildContext(service).resolve(dockerfile).normalize()).toString());
    }

    /** The folder a service's image is built from. */
    Path buildContext(JsonNode service) {
        JsonNode build = service.path("build");
        return root.resolve(build.isTextual() ? build.asText() : build.path("context").asText(".")).normalize();
    }

    /** The environment a service is given, {@code ${NAME:-default}} resolved to its default. */
    static Map<String, String> environment(JsonNode service) {
        Map<String, String> environment = new LinkedHashMap<>();
        JsonNode node = service.path("environment");
        if (node.isArray()) {
            node.forEach(item -> {
                String[] pair = item.asText().split("=", 2);
                environment.put(pair[0], pair.length == 2 ? interpolate(pair[1]) : "");
            });
        } else {
            node.properties().forEach(entry -> environment.put(entry.getKey(),
                    entry.getValue().isNull() ? "" : interpolate(entry.getValue().asText())));
        }
        return environment;
    }

    /** {@code ${NAME:-default}} and {@code ${NAME-default}} become the default; a bare {@code ${NAME}} is an error. */
    static String interpolate(String value) {
        Matcher matcher = VARIABLE.matcher(value.replace("$$", "\u0000"));
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            if (matcher.group(2) == null) {
                throw new AssertionError("${" + matcher.group(1) + "} has no default: the stack would not start as is");
            }
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(matcher.group(3)));
        }
        matcher.appendTail(resolved);
        return resolved.toString().replace("\u0000", "$");
    }

    static List<String> command(JsonNode service) {
        JsonNode command = service.path("command");
        List<String> words = new ArrayList<>();
        if (command.isArray()) {
            command.forEach(word -> words.add(word.asText()));
        } else if (command.isTextual()) {
            words.addAll(List.of(command.asText().trim().split("\\s+")));
        }
        return words;
    }

    static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(item -> texts.add(item.asText()));
        } else if (!node.isMissingNode() && !node.isNull()) {
            texts.add(node.asText());
        }
        return texts;
    }

    /** The container ports a service publishes ({@code ports}), short or long syntax. */
    static List<Integer> publishedContainerPorts(JsonNode service) {
        List<Integer> ports = new ArrayList<>();
        service.path("ports").forEach(port -> {
            if (port.isObject()) {
                ports.add(containerPort(port.path("target").asText()));
            } else {
                String text = port.asText();
                ports.add(containerPort(text.substring(text.lastIndexOf(':') + 1)));
            }
        });
        return ports;
    }

    static List<Integer> exposedPorts(JsonNode service) {
        return texts(service.path("expose")).stream().map(ComposeFile::containerPort).toList();
    }

    private static int containerPort(String port) {
        String number = port.replaceFirst("/(tcp|udp)$", "");
        if (!number.matches("[0-9]{1,5}")) {
            throw new AssertionError("a port this test cannot check (a range?): " + port);
        }
        return Integer.parseInt(number);
    }

    /** The names a service's {@code depends_on} lists, in its list or its map form. */
    static List<String> dependencies(JsonNode service) {
        JsonNode dependsOn = service.path("depends_on");
        if (dependsOn.isArray()) {
            return texts(dependsOn);
        }
        List<String> names = new ArrayList<>();
        dependsOn.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Bind mounts as host path (relative to the root, as written) to container path. */
    static Map<String, String> bindMounts(JsonNode service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        service.path("volumes").forEach(volume -> {
            if (volume.isObject()) {
                if ("bind".equals(volume.path("type").asText())) {
                    mounts.put(volume.path("source").asText(), volume.path("target").asText());
                }
            } else {
                String[] parts = volume.asText().split(":");
                if (parts[0].startsWith(".") || parts[0].startsWith("/")) {
                    mounts.put(parts[0], parts[1]);
                }
            }
        });
        return mounts;
    }

    /** Named volumes a service mounts, by container path. */
    static Map<String, String> namedVolumes(JsonNode service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        service.path("volumes").forEach(volume -> {
            if (volume.isObject()) {
                if ("volume".equals(volume.path("type").asText())) {
                    mounts.put(volume.path("target").asText(), volume.path("source").asText());
                }
            } else {
                String[] parts = volume.asText().split(":");
                if (!parts[0].startsWith(".") && !parts[0].startsWith("/") && parts.length > 1) {
                    mounts.put(parts[1], parts[0]);
                }
            }
        });
        return mounts;
    }

    /** One of our services: its command and the settings it runs with. */
    record OurService(String name, JsonNode node, Map<String, String> environment, List<String> command) {

        PipelineSettings settings() {
            try {
                return PipelineSettings.load(Optional.empty(), environment);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The CLI command it runs: the first word that is not an option. */
        String subcommand() {
            return command.stream().filter(word -> !word.startsWith("-")).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " has no command: the image would only print --help"));
        }

        /** What the command starts; empty for the one-shot commands (campaigns, tail). */
        Set<Pipeline.Part> parts() {
            return switch (subcommand()) {
                case "run" -> EnumSet.allOf(Pipeline.Part.class);
                case "ingest" -> EnumSet.of(Pipeline.Part.INGEST);
                case "topology" -> EnumSet.of(Pipeline.Part.TOPOLOGY);
                case "admin" -> EnumSet.of(Pipeline.Part.ADMIN);
                default -> EnumSet.noneOf(Pipeline.Part.class);
            };
        }

        /** Every port the process listens on, with the setting of the address it binds to. */
        Map<Integer, String> listeningPorts() {
            PipelineSettings settings = settings();
            Map<Integer, String> ports = new LinkedHashMap<>();
            if (parts().isEmpty()) {
                return ports;
            }
            listen(ports, settings, PipelineSettings.MANAGEMENT_PORT, PipelineSettings.MANAGEMENT_HOST);
            if (parts().contains(Pipeline.Part.INGEST)) {
                listen(ports, settings, PipelineSettings.INGEST_PORT, PipelineSettings.INGEST_HOST);
            }
            if (parts().contains(Pipeline.Part.TOPOLOGY)) {
                listen(ports, settings, PipelineSettings.QUERY_PORT, PipelineSettings.QUERY_HOST);
            }
            if (parts().contains(Pipeline.Part.ADMIN)) {
                listen(ports, settings, PipelineSettings.ADMIN_PORT, PipelineSettings.ADMIN_HOST);
            }
            return ports;
        }

        private void listen(Map<Integer, String> ports, PipelineSettings settings, String portKey, String hostKey) {
            String taken = ports.put(settings.integer(portKey), hostKey);
            if (taken != null) {
                throw new AssertionError(name + ": " + PipelineSettings.environmentName(portKey)
                        + " is the port of another server of the same process (" + taken + ")");
            }
        }
    }
}
