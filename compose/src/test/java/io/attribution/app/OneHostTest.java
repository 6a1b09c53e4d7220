package io.attribution.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one-host mapping changes addresses, ports and volume paths, and nothing else. */
class OneHostTest {

    @TempDir
    Path volumes;

    private OneHost host() {
        return new OneHost(Set.of("kafka", "registry", "postgres", "topology-1", "topology-2", "connect"),
                Map.of("kafka:9092", "127.0.0.1:41000", "registry:8080", "127.0.0.1:41001"), volumes);
    }

    @Test
    void serviceAddressesBecomeLocalOnesAloneOrInUrls() {
        OneHost host = host();
        assertThat(host.rewrite("ingest", "kafka:9092")).isEqualTo("127.0.0.1:41000");
        assertThat(host.rewrite("ingest", "http://registry:8080/apis/registry/v2"))
                .isEqualTo("http://127.0.0.1:41001/apis/registry/v2");
        int topology = host.port("topology-1", 8082);
        assertThat(host.rewrite("topology-1", "topology-1:8082")).isEqualTo("127.0.0.1:" + topology);
        assertThat(host.rewrite("connect-init", "jdbc:postgresql://connect:8083/x"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:" + host.port("connect", 8083) + "/x");
    }

    @Test
    void aListenerOnTheWildcardIsTheServicesOwnPortOnTheLoopback() {
        OneHost host = host();
        assertThat(host.rewrite("connect", "http://0.0.0.0:8083"))
                .isEqualTo("http://127.0.0.1:" + host.port("connect", 8083));
    }

    @Test
    void eachServiceHasItsOwnLocalPortForTheSameContainerPort() {
        OneHost host = host();
        assertThat(host.port("topology-1", 9404)).isNotEqualTo(host.port("topology-2", 9404))
                .isEqualTo(host.port("topology-1", 9404));
    }

    @Test
    void everythingElseIsLeftAsTheFileSaysIt() {
        OneHost host = host();
        for (String value : new String[] {"ingest", "/var/lib/x", "https://postbacks.demo.example:8443/pb?c={click_id}",
                "local-admin-token-change-me", "io.debezium.connector.jdbc.JdbcSinkConnector", "0.5", "1@controller"}) {
            assertThat(host.rewrite("ingest", value)).isEqualTo(value);
        }
    }

    @Test
    void theEnvironmentMapsPortsBindAddressesAndVolumesByTheirRoleOnly() {
        OneHost host = host();
        Map<String, String> compose = new LinkedHashMap<>();
        compose.put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        compose.put("QUERY_HOST", "0.0.0.0");
        compose.put("QUERY_PORT", "8082");
        compose.put("TOPOLOGY_APPLICATION_SERVER", "topology-1:8082");
        compose.put("TOPOLOGY_STATE_DIR", "/var/lib/postback-pipeline/state");
        compose.put("ADMIN_TOKEN", "8082");

        Map<String, String> local = host.environment("topology-1", compose,
                Map.of("/var/lib/postback-pipeline/state", "topology-1-state"));

        String port = String.valueOf(host.port("topology-1", 8082));
        assertThat(local).containsExactly(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:41000"),
                Map.entry("QUERY_HOST", "127.0.0.1"),
                Map.entry("QUERY_PORT", port),
                Map.entry("TOPOLOGY_APPLICATION_SERVER", "127.0.0.1:" + port),
                Map.entry("TOPOLOGY_STATE_DIR", volumes.resolve("topology-1-state").toString()),
                Map.entry("ADMIN_TOKEN", "8082"));
        assertThat(volumes.resolve("topology-1-state")).isDirectory();
    }

    @Test
    void aServiceTheTestProvidesIsReachedOnlyAtThePortsItProvides() {
        assertThatThrownBy(() -> host().rewrite("ingest", "kafka:9093")).hasMessageContaining("kafka:9093");
        assertThatThrownBy(() -> host().address("nowhere", 1)).hasMessageContaining("no service nowhere");
    }
}
