package io.attribution.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.attribution.app.ComposeFile.OurService;
import io.attribution.embedded.EmbeddedSchemaRegistry;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docker-compose.yml} honest without Docker: it is a valid Compose file, our services
 * set only variables the code reads and publish only the ports they listen on, Prometheus scrapes
 * each of them where its metrics are, and every service, file and image version it names exists.
 */
class ComposeFileTest {

    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]");
    private static final Pattern HEALTHCHECK_PORT = Pattern.compile("(?:/dev/tcp/[^/\\s]+/|(?:localhost|127\\.0\\.0\\.1):)([0-9]+)");
    private static final Pattern COPY = Pattern.compile("^(?:COPY|ADD)\\s+(.+)$", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);
    private static final Pattern FROM = Pattern.compile("^FROM\\s+(\\S+)", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);
    private static final Pattern ENV = Pattern.compile("^ENV\\s+(.+)$", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);
    // A URL's host; templated hosts ({affiliate_host}) are not matched.
    private static final Pattern URL = Pattern.compile("^(?:jdbc:)?[a-z][a-z0-9+.-]*://([A-Za-z0-9.-]+)(?::[0-9]+)?(?:[/?#]|$)");

    private final ComposeFile compose = ComposeFile.load();
    private final Map<String, OurService> ours = compose.ourServices();

    @Test
    void isAValidComposeFileByTheComposeSpecification() throws IOException {
        // Its "$id" is relative: the schema's location is the base it resolves against.
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(SchemaLocation.of("classpath:compose-spec/compose-spec.json"));
        String json = new ObjectMapper().writeValueAsString(compose.document);

        assertThat(schema.validate(json, InputFormat.JSON)).isEmpty();
    }

    @Test
    void runsOurImageAsIngestTwoTopologyInstancesAndAdmin() {
        assertThat(ours.values()).extracting(OurService::subcommand)
                .containsExactlyInAnyOrder("ingest", "topology", "topology", "admin");
        Set<String> commands = new CommandLine(new Main()).getSubcommands().keySet();
        ours.values().forEach(service -> assertThat(commands).as(service.name() + "'s command").contains(service.subcommand()));
    }

    @Test
    void ourServicesSetOnlyVariablesTheCodeReads() throws IOException {
        Set<String> read = PipelineSettings.keys().stream().map(PipelineSettings::environmentName)
                .collect(Collectors.toCollection(TreeSet::new));

        ours.values().forEach(service -> {
            assertThat(service.node().has("env_file")).as(service.name() + ": env_file (its variables go unchecked)").isFalse();
            assertThat(read).as(service.name() + "'s environment: each variable one PipelineSettings reads")
                    .containsAll(service.environment().keySet());
        });
        Matcher env = ENV.matcher(Files.readString(compose.root.resolve(ComposeFile.APP_DOCKERFILE)));
        while (env.find()) {
            String name = env.group(1).split("[=\\s]", 2)[0];
            assertThat(read).as(ComposeFile.APP_DOCKERFILE + " ENV").contains(name);
        }
    }

    @Test
    void ourServicesReachKafkaAndTheRegistryThroughServicesTheyWaitFor() {
        ours.values().forEach(service -> {
            PipelineSettings settings = service.settings();
            List<String> dependencies = ComposeFile.dependencies(service.node());
            for (String server : settings.list(PipelineSettings.KAFKA_BOOTSTRAP_SERVERS)) {
                assertThat(dependencies).as(service.name() + ": KAFKA_BOOTSTRAP_SERVERS " + server)
                        .contains(server.substring(0, server.lastIndexOf(':')));
            }
            String registry = URI.create(settings.string(PipelineSettings.REGISTRY_URL)).getHost();
            assertThat(dependencies).as(service.name() + ": REGISTRY_URL").contains(registry);
            assertThat(settings.string(PipelineSettings.REGISTRY_URL)).endsWith("/apis/registry/v2");
        });
    }

    @Test
    void eachTopologyInstanceNamesItselfAndKeepsItsStateInItsOwnVolume() {
        Map<String, String> stateVolumes = new HashMap<>();
        ours.values().stream().filter(service -> service.parts().contains(Pipeline.Part.TOPOLOGY)).forEach(service -> {
            PipelineSettings settings = service.settings();
            int queryPort = settings.integer(PipelineSettings.QUERY_PORT);
            // The same checks the topology makes before it starts.
            StreamsOverrides.from(settings, queryPort);
            String host = service.node().path("hostname").asText(service.name());
            assertThat(StreamsOverrides.applicationServer(settings, queryPort))
                    .as(service.name() + ": TOPOLOGY_APPLICATION_SERVER").isEqualTo(host + ":" + queryPort);

            String volume = ComposeFile.namedVolumes(service.node()).get(settings.string(PipelineSettings.TOPOLOGY_STATE_DIR));
            assertThat(volume).as(service.name() + ": a named volume at TOPOLOGY_STATE_DIR").isNotNull();
            assertThat(stateVolumes.put(volume, service.name())).as("state volume " + volume + " shared").isNull();
        });
    }

    @Test
    void theAdminApiHasAToken() {
        ours.values().stream().filter(service -> service.parts().contains(Pipeline.Part.ADMIN)).forEach(service ->
                assertThat(service.settings().string(PipelineSettings.ADMIN_TOKEN)).as(service.name() + ": ADMIN_TOKEN")
                        .hasSizeGreaterThanOrEqualTo(16));
    }

    @Test
    void everyPortOurServicesPublishOrExposeIsOneTheyListenOnForEveryone() {
        ours.values().forEach(service -> {
            Map<Integer, String> listening = service.listeningPorts();
            PipelineSettings settings = service.settings();
            List<Integer> offered = new ArrayList<>(ComposeFile.publishedContainerPorts(service.node()));
            offered.addAll(ComposeFile.exposedPorts(service.node()));
            for (int port : offered) {
                assertThat(listening).as(service.name() + ": port " + port + " published or exposed").containsKey(port);
                assertThat(WILDCARDS).as(service.name() + ": " + PipelineSettings.environmentName(listening.get(port))
                        + ", so that port " + port + " is reachable from outside its container")
                        .contains(settings.string(listening.get(port)));
            }
            for (String word : ComposeFile.texts(service.node().path("healthcheck").path("test"))) {
                Matcher port = HEALTHCHECK_PORT.matcher(word);
                while (port.find()) {
                    assertThat(listening).as(service.name() + ": healthcheck port").containsKey(Integer.parseInt(port.group(1)));
                }
            }
        });
        assertThat(ours.values()).as("the ingest edge published on its port").anySatisfy(service -> {
            assertThat(service.parts()).contains(Pipeline.Part.INGEST);
            assertThat(ComposeFile.publishedContainerPorts(service.node()))
                    .contains(service.settings().integer(PipelineSettings.INGEST_PORT));
        });
    }

    @Test
    void ourServicesAreHealthyWhenReadyAsTheirReadinessEndpointSays() {
        Pattern probe = Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/([0-9]+) .*GET (/\\S+) HTTP");
        ours.values().forEach(service -> {
            String test = String.join(" ", ComposeFile.texts(service.node().path("healthcheck").path("test")));
            Matcher matcher = probe.matcher(test);
            assertThat(matcher.find()).as(service.name() + "'s healthcheck asks a port for a path: " + test).isTrue();
            int port = Integer.parseInt(matcher.group(1));
            PipelineSettings settings = service.settings();
            // Both serve /readyz: the management port for every part, the postback port for ingest.
            List<Integer> readiness = new ArrayList<>(List.of(settings.integer(PipelineSettings.MANAGEMENT_PORT)));
            if (service.parts().contains(Pipeline.Part.INGEST)) {
                readiness.add(settings.integer(PipelineSettings.INGEST_PORT));
            }
            assertThat(matcher.group(2)).as(service.name() + ": the healthcheck's path").isEqualTo("/readyz");
            assertThat(readiness).as(service.name() + ": the healthcheck's port serves /readyz").contains(port);
        });
    }

    @Test
    void prometheusScrapesEachOfOurServicesOnItsManagementPort() {
        JsonNode prometheus = compose.service("prometheus");
        String config = ComposeFile.bindMounts(prometheus).entrySet().stream()
                .filter(mount -> mount.getValue().equals("/etc/prometheus/prometheus.yml")).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError("prometheus: no /etc/prometheus/prometheus.yml mounted"));
        JsonNode scrapeConfigs = ComposeFile.readYaml(compose.root.resolve(config)).path("scrape_configs");

        Map<String, Integer> scraped = new LinkedHashMap<>();
        scrapeConfigs.forEach(job -> {
            assertThat(job.path("metrics_path").asText("/metrics")).isEqualTo("/metrics");
            assertThat(job.path("scheme").asText("http")).isEqualTo("http");
            job.path("static_configs").forEach(targets -> targets.path("targets").forEach(target -> {
                String[] hostPort = target.asText().split(":");
                assertThat(scraped.put(hostPort[0], Integer.parseInt(hostPort[1]))).as("scraped twice: " + target).isNull();
            }));
        });

        Map<String, Integer> expected = new LinkedHashMap<>();
        ours.values().stream().filter(service -> !service.parts().isEmpty()).forEach(service -> {
            int management = service.settings().integer(PipelineSettings.MANAGEMENT_PORT);
            expected.put(service.name(), management);
            assertThat(ComposeFile.exposedPorts(service.node())).as(service.name() + ": management port exposed")
                    .contains(management);
        });
        assertThat(scraped).as(config + " targets").isEqualTo(expected);
        assertThat(ComposeFile.dependencies(prometheus)).containsAll(expected.keySet());
    }

    @Test
    void everyDependencyIsAService() {
        compose.services().forEach((name, service) -> ComposeFile.dependencies(service).forEach(dependency ->
                assertThat(compose.services()).as(name + "'s depends_on").containsKey(dependency)));
    }

    @Test
    void everyFileTheStackNamesExists() throws IOException {
        for (Map.Entry<String, JsonNode> service : compose.services().entrySet()) {
            if (compose.dockerfile(service.getValue()).isPresent()) {
                Path dockerfile = compose.root.resolve(compose.dockerfile(service.getValue()).get());
                Path context = compose.buildContext(service.getValue());
                assertThat(dockerfile).as(service.getKey() + "'s Dockerfile").isRegularFile();
                for (String source : copySources(Files.readString(dockerfile))) {
                    assertSourceExists(compose.root.relativize(context.resolve(source).normalize()).toString(),
                            compose.root.relativize(dockerfile).toString());
                }
            }
            for (String hostPath : ComposeFile.bindMounts(service.getValue()).keySet()) {
                assertSourceExists(Path.of(hostPath).normalize().toString(), service.getKey() + "'s volumes");
            }
        }
    }

    @Test
    void imagesArePinnedToTheVersionsTheBuildUses() throws IOException {
        String pom = Files.readString(compose.root.resolve("pom.xml"));
        List<String> images = new ArrayList<>();
        compose.services().forEach((name, service) -> {
            if (service.has("image") && !service.has("build") && !ours.containsKey(name)) {
                images.add(service.path("image").asText());
            }
        });
        Matcher from = FROM.matcher(Files.readString(compose.root.resolve("deploy/connect/Dockerfile")));
        while (from.find()) {
            images.add(from.group(1));
        }

        for (String image : images) {
            assertThat(image).as("a pinned version").matches(".+:[^/]+").doesNotEndWith(":latest");
        }
        assertThat(images).as("Kafka and Connect are the release of our clients")
                .filteredOn(image -> image.startsWith("apache/kafka:")).hasSize(2)
                .allMatch(image -> image.equals("apache/kafka:" + property(pom, "kafka.version")));
        assertThat(images).as("the registry KafkaSqlRegistryRestartIT runs our serdes against")
                .filteredOn(image -> image.startsWith("apicurio/apicurio-registry")).singleElement()
                .isEqualTo("apicurio/apicurio-registry:" + property(pom, "apicurio.persistent.version"));
    }

    @Test
    void theRegistryKeepsItsSchemasInTheClusterItWaitsFor() {
        JsonNode registry = compose.service("registry");
        Map<String, String> environment = ComposeFile.environment(registry);
        // A registry in memory forgets on a restart, and every schema id in every record then points nowhere.
        assertThat(environment).containsEntry("APICURIO_STORAGE_KIND", "kafkasql")
                .containsEntry("APICURIO_KAFKASQL_TOPIC", EmbeddedSchemaRegistry.KAFKASQL_JOURNAL_TOPIC);
        for (String server : environment.get("APICURIO_KAFKASQL_BOOTSTRAP_SERVERS").split(",")) {
            String host = server.substring(0, server.lastIndexOf(':'));
            assertThat(registry.path("depends_on").path(host).path("condition").asText())
                    .as("registry: waits for " + host + " to be healthy").isEqualTo("service_healthy");
        }
        // Ready (journal read back) on the management interface, where Apicurio 3 serves health.
        assertThat(String.join(" ", ComposeFile.texts(registry.path("healthcheck").path("test"))))
                .contains("/dev/tcp/127.0.0.1/9000").contains("GET /health/ready ");
    }

    @Test
    void connectorConfigsNameServicesOfTheStack() throws IOException {
        for (String hostPath : ComposeFile.bindMounts(compose.service("connect-init")).keySet()) {
            Path file = compose.root.resolve(hostPath).normalize();
            if (!hostPath.endsWith(".json") || !Files.isRegularFile(file)) {
                continue; // a connector module not in this checkout: everyFileTheStackNamesExists says which
            }
            List<String> hosts = new ArrayList<>();
            collectHosts(new ObjectMapper().readTree(file.toFile()), hosts);
            assertThat(hosts).as(hostPath + ": hosts its URLs name").allSatisfy(host -> assertThat(
                    host.contains(".") || compose.services().containsKey(host))
                    .as(host + " is a service of the stack (or a domain outside it)").isTrue());
        }
    }

    @Test
    void theConnectWorkerReachesTheBrokerItWaitsFor() throws IOException {
        Properties worker = new Properties();
        try (Reader reader = Files.newBufferedReader(compose.root.resolve("deploy/connect/connect-distributed.properties"))) {
            worker.load(reader);
        }
        List<String> dependencies = ComposeFile.dependencies(compose.service("connect"));
        for (String server : worker.getProperty("bootstrap.servers").split(",")) {
            assertThat(dependencies).as("connect: bootstrap.servers " + server)
                    .contains(server.strip().substring(0, server.strip().lastIndexOf(':')));
        }
        assertThat(worker.getProperty("rest.advertised.host.name")).isEqualTo("connect");
    }

    private static void collectHosts(JsonNode node, List<String> hosts) {
        if (node.isContainerNode()) {
            node.forEach(child -> collectHosts(child, hosts));
        } else if (node.isTextual()) {
            for (String value : node.asText().split(",")) {
                Matcher url = URL.matcher(value.strip());
                if (url.find()) {
                    hosts.add(url.group(1));
                }
            }
        }
    }

    private static List<String> copySources(String dockerfile) {
        List<String> sources = new ArrayList<>();
        Matcher copy = COPY.matcher(dockerfile);
        while (copy.find()) {
            List<String> words = new ArrayList<>(List.of(copy.group(1).trim().split("\\s+")));
            if (words.stream().anyMatch(word -> word.startsWith("--from"))) {
                continue;
            }
            words.removeIf(word -> word.startsWith("--"));
            sources.addAll(words.subList(0, words.size() - 1));
        }
        return sources;
    }

    /**
     * A file in the repository, or a build output ({@code MODULE/target/...}) of a module the
     * build has. The connector modules come from other branches: until they are here, what the
     * stack names in them is skipped, so the check turns strict by itself once they land.
     */
    private void assertSourceExists(String source, String namedBy) throws IOException {
        Path relative = Path.of(source.replaceAll("/+$", ""));
        Path path = compose.root.resolve(relative).normalize();
        int target = indexOf(relative, "target");
        Path module = target < 0 ? null : compose.root.resolve(relative.subpath(0, target));
        if (relative.startsWith("connectors") && relative.getNameCount() > 1
                && !Files.isRegularFile(compose.root.resolve(relative.subpath(0, 2)).resolve("pom.xml"))) {
            return;
        }
        if (module == null) {
            assertThat(path).as(source + ", named by " + namedBy).exists();
            return;
        }
        Path pom = module.resolve("pom.xml");
        assertThat(pom).as(source + ", named by " + namedBy + ": built by a module").isRegularFile();
        if (module.equals(compose.root.resolve("app"))) {
            String appPom = Files.readString(pom);
            String output = relative.getName(target + 1).toString();
            if (output.endsWith(".jar")) {
                assertThat(appPom).as("the app's jar").contains("<finalName>" + output.replace(".jar", "") + "</finalName>");
            } else {
                assertThat(appPom).as("the app's " + output).contains("${project.build.directory}/" + output + "<");
            }
        }
    }

    private static int indexOf(Path path, String name) {
        for (int i = 0; i < path.getNameCount(); i++) {
            if (path.getName(i).toString().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String property(String pom, String name) {
        Matcher value = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        assertThat(value.find()).as(name + " in pom.xml").isTrue();
        return value.group(1);
    }
}
