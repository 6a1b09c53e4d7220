package io.attribution.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What ComposeStackIT starts, without starting it: the commands and environments it derives from
 * docker-compose.yml and the Dockerfiles are the file's, with only {@link OneHost}'s changes.
 */
class ComposeStackTest {

    private static final Set<String> PROVIDED = Set.of("kafka", "registry", "postgres");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workDir;

    private final ComposeFile compose = ComposeFile.load();

    private ComposeStack stack(OneHost host) {
        return new ComposeStack(compose, host, PROVIDED, workDir);
    }

    private OneHost host() {
        return new OneHost(compose.services().keySet(), Map.of("kafka:9092", "127.0.0.1:41000",
                "registry:8080", "127.0.0.1:41001", "postgres:5432", "127.0.0.1:41002"), workDir.resolve("volumes"));
    }

    @Test
    void ourServicesRunTheImagesJarWithTheFilesCommand() {
        ComposeStack stack = stack(host());
        String jar = compose.root.resolve("app/target/postback-pipeline.jar").toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assertThat(stack.command("ingest")).containsExactly(java, "-XX:+ExitOnOutOfMemoryError", "-jar", jar, "ingest");
        assertThat(stack.command("topology-2")).containsExactly(java, "-XX:+ExitOnOutOfMemoryError", "-jar", jar, "topology");
        assertThat(stack.command("admin")).endsWith(jar, "admin");
    }

    @Test
    void theEnvironmentIsTheFilesWithLocalAddressesOnly() {
        OneHost host = host();
        Map<String, String> compose = ComposeFile.environment(this.compose.service("topology-1"));
        Map<String, String> local = stack(host).environment("topology-1");

        assertThat(local.keySet()).containsExactlyInAnyOrderElementsOf(
                union(compose.keySet(), Set.of("PATH")));
        int query = host.port("topology-1", 8082);
        assertThat(local)
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:41000")
                .containsEntry("REGISTRY_URL", "http://127.0.0.1:41001/apis/registry/v2")
                .containsEntry("TOPOLOGY_APPLICATION_SERVER", "127.0.0.1:" + query)
                .containsEntry("QUERY_PORT", String.valueOf(query))
                .containsEntry("QUERY_HOST", "127.0.0.1")
                .containsEntry("TOPOLOGY_STATE_DIR", workDir.resolve("volumes").resolve("topology-1-state").toString());
        assertThat(stack(host).environment("connect"))
                .containsEntry("POSTGRES_PASSWORD", ComposeFile.environment(this.compose.service("postgres")).get("POSTGRES_PASSWORD"));
    }

    @Test
    void connectRunsTheWorkerOnTheDeployedConfigWithBothPluginFolders() throws Exception {
        OneHost host = host();
        List<String> command = stack(host).command("connect");
        assertThat(command).contains("org.apache.kafka.connect.cli.ConnectDistributed");
        Properties local = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(command.get(command.size() - 1)))) {
            local.load(reader);
        }
        Properties deployed = new Properties();
        try (Reader reader = Files.newBufferedReader(compose.root.resolve("deploy/connect/connect-distributed.properties"))) {
            deployed.load(reader);
        }
        assertThat(local.stringPropertyNames()).isEqualTo(deployed.stringPropertyNames());
        int rest = host.port("connect", 8083);
        assertThat(local)
                .containsEntry("bootstrap.servers", "127.0.0.1:41000")
                .containsEntry("listeners", "http://127.0.0.1:" + rest)
                .containsEntry("rest.advertised.host.name", "127.0.0.1")
                .containsEntry("rest.advertised.port", String.valueOf(rest))
                .containsEntry("plugin.path", compose.root.resolve("connectors/affiliate-postbacks/target/plugin") + ","
                        + compose.root.resolve("connectors/postgres-sink/target/plugin"));
        deployed.stringPropertyNames().stream()
                .filter(key -> !Set.of("bootstrap.servers", "listeners", "rest.advertised.host.name",
                        "rest.advertised.port", "plugin.path").contains(key))
                .forEach(key -> assertThat(local.getProperty(key)).as(key).isEqualTo(deployed.getProperty(key)));
    }

    @Test
    void connectInitRegistersTheCommittedConnectorsWithLocalAddresses() throws Exception {
        OneHost host = host();
        List<String> command = stack(host).command("connect-init");
        assertThat(command.subList(0, 2)).containsExactly("/bin/sh",
                compose.root.resolve("deploy/connect/register-connectors.sh").toString());
        JsonNode sink = JSON.readTree(Path.of(command.get(3)).toFile());
        JsonNode committed = JSON.readTree(compose.root.resolve(
                "connectors/postgres-sink/src/main/connect/conversions-postgres-sink.json").toFile());
        assertThat(sink.at("/config/connection.url").asText()).isEqualTo("jdbc:postgresql://127.0.0.1:41002/attribution");
        assertThat(sink.at("/config/value.converter.apicurio.registry.url").asText())
                .isEqualTo("http://127.0.0.1:41001/apis/registry/v2");
        // The secret stays the worker's environment variable.
        assertThat(sink.at("/config/connection.password").asText()).isEqualTo("${env:POSTGRES_PASSWORD}");
        assertThat(sink.path("config").size()).isEqualTo(committed.path("config").size());
        assertThat(stack(host).environment("connect-init").get("CONNECT_URL"))
                .isEqualTo("http://127.0.0.1:" + host.port("connect", 8083));
    }

    @Test
    void servicesStartAfterWhatTheyDependOn() {
        List<String> order = stack(host()).startOrder(Set.of("ingest", "topology-1", "topology-2", "admin",
                "connect", "connect-init"));
        assertThat(order).hasSize(6).endsWith("connect", "connect-init");
        assertThat(order.indexOf("ingest")).isLessThan(order.indexOf("connect"));
    }

    @Test
    void composeDurations() {
        assertThat(ComposeStack.duration(ComposeFile.YAML.valueToTree("1m30s"), Duration.ZERO)).isEqualTo(Duration.ofSeconds(90));
        assertThat(stack(host()).stopGracePeriod("ingest")).isEqualTo(Duration.ofSeconds(40));
        assertThat(stack(host()).stopGracePeriod("admin")).isEqualTo(Duration.ofSeconds(10));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> union = new TreeSet<>(a);
        union.addAll(b);
        return union;
    }
}
