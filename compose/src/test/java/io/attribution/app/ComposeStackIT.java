package io.attribution.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.embedded.testkit.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code docker-compose.yml} without Docker: every service of ours (ingest, the two topology
 * instances, admin, Kafka Connect with both plugins, the connector registration) started as a
 * local process with the command, environment and mounted files the file gives it, in the order
 * its {@code depends_on} asks, against a broker, a registry and a PostgreSQL of the test's own at
 * the addresses the file names them by. Only what {@link OneHost} maps differs. Then a visitor's
 * click and its postback go through, and the conversion is found in PostgreSQL (Connect's sink)
 * and in the query API of both topology instances.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeStackIT {

    /** Run by the test: the embedded broker and registry, a local PostgreSQL set up as the file says. */
    private static final Set<String> PROVIDED = Set.of("kafka", "registry", "postgres");
    /** Not started: Prometheus only scrapes (ComposeFileTest checks its targets); nothing depends on it. */
    private static final Set<String> NOT_STARTED = Set.of("prometheus");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final String CAMPAIGN = "compose-campaign";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static ComposeFile compose;
    private static LocalPostgres postgres;
    private static ComposeStack stack;
    private static Set<String> started;

    @BeforeAll
    static void start() throws Exception {
        compose = ComposeFile.load();
        Path workDir = Files.createDirectories(Path.of("target", "compose-stack")).toAbsolutePath();
        postgres = startPostgres(compose.service("postgres"));
        OneHost host = new OneHost(compose.services().keySet(), Map.of(
                "kafka:9092", kit.bootstrapServers(),
                "registry:8080", URI.create(kit.registryUrl()).getAuthority(),
                "postgres:5432", OneHost.LOOPBACK + ":" + postgres.port()),
                Files.createTempDirectory(workDir, "volumes"));
        started = new TreeSet<>(compose.services().keySet());
        started.removeAll(PROVIDED);
        started.removeAll(NOT_STARTED);
        stack = new ComposeStack(compose, host, PROVIDED, workDir);
        stack.start(started, START_TIMEOUT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Order(1)
    void startsEveryServiceOfOursAndEachIsHealthyByItsOwnHealthcheck() {
        assertThat(started).contains("ingest", "topology-1", "topology-2", "admin", "connect", "connect-init");
        for (String service : started) {
            stack.probe(service).ifPresent(probe -> await(service + " healthy: GET " + probe.path() + " on " + probe.containerPort())
                    .atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500))
                    .failFast(service + " ended", () -> !stack.process(service).alive())
                    .until(() -> stack.healthy(service)));
        }
        // Ours: healthy means ready (the healthcheck asks /readyz); liveness, which a restart policy
        // acts on, is /healthz on the management port.
        for (String service : List.of("ingest", "topology-1", "topology-2", "admin")) {
            assertThat(stack.probe(service)).as(service + "'s healthcheck").get()
                    .extracting(ComposeStack.Probe::path).isEqualTo("/readyz");
            int management = Integer.parseInt(ComposeFile.environment(compose.service(service)).get("MANAGEMENT_PORT"));
            assertThat(ComposeStack.status(stack.uri(service, management, "/healthz"))).as(service + " /healthz").isEqualTo(200);
            assertThat(ComposeStack.status(stack.uri(service, management, "/readyz"))).as(service + " /readyz").isEqualTo(200);
        }
    }

    @Test
    @Order(2)
    void connectInitRegistersBothConnectorsAndBothRun() throws Exception {
        ServiceProcess init = stack.process("connect-init");
        await("connect-init done").atMost(START_TIMEOUT).until(() -> init.exitStatus() != null);
        assertThat(init.exitStatus()).as(init.tail(20)).isZero();

        List<String> names = new ArrayList<>();
        for (String file : ComposeFile.bindMounts(compose.service("connect-init")).keySet()) {
            if (file.endsWith(".json")) {
                names.add(JSON.readTree(compose.root.resolve(file).toFile()).path("name").asText());
            }
        }
        assertThat(names).containsExactlyInAnyOrder("affiliate-postbacks", "conversions-postgres-sink");
        for (String name : names) {
            await(name + " running").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(connectorState(name)).isEqualTo("RUNNING"));
        }
    }

    @Test
    @Order(3)
    void aClickAndItsPostbackReachPostgresAndTheQueryApiOfEitherTopologyInstance() throws Exception {
        Map<String, String> admin = ComposeFile.environment(compose.service("admin"));
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(
                        stack.uri("admin", Integer.parseInt(admin.get("ADMIN_PORT")), "/campaigns/" + CAMPAIGN))
                .header("Authorization", "Bearer " + admin.get("ADMIN_TOKEN"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("""
                        {"advertiser_id": "compose-advertiser", "name": "Compose", "currency": "USD",
                         "time_zone": "UTC", "attribution_window_days": 30, "default_goal_id": "sale",
                         "multi_conversion": "UNIQUE_TXN",
                         "landing_url": "https://shop.example/?click_id={click_id}",
                         "goals": [{"goal_id": "sale", "value": "purchase", "payout_type": "PERCENT", "payout": "10",
                                    "revenue_type": "PERCENT", "revenue": "15"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isBetween(200, 201);

        int ingestPort = Integer.parseInt(ComposeFile.environment(compose.service("ingest")).get("INGEST_PORT"));
        AtomicReference<JsonNode> click = new AtomicReference<>();
        // Ingest learns of the campaign from the campaigns topic.
        await("a click on the new campaign").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    HttpResponse<String> answer = get(stack.uri("ingest", ingestPort,
                            "/click?campaign_id=" + CAMPAIGN + "&affiliate_id=compose-affiliate&sub1=compose"));
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
                    click.set(JSON.readTree(answer.body()));
                });
        String clickId = click.get().path("click_id").asText();

        HttpResponse<String> postback = get(stack.uri("ingest", ingestPort, "/postback?click_id=" + clickId
                + "&goal_value=purchase&sale_amount=49.90&currency=USD&txn_id=compose-order-1"));
        assertThat(postback.statusCode()).as(postback.body()).isEqualTo(200);

        for (String instance : List.of("topology-1", "topology-2")) {
            int queryPort = Integer.parseInt(ComposeFile.environment(compose.service(instance)).get("QUERY_PORT"));
            await(instance + " answers the conversion").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        HttpResponse<String> answer = get(stack.uri(instance, queryPort, "/clicks/" + clickId + "/conversions"));
                        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                        JsonNode conversion = JSON.readTree(answer.body()).at("/conversions/0");
                        assertThat(conversion.path("txn_id").asText()).as(answer.body()).isEqualTo("compose-order-1");
                        assertThat(conversion.path("status").asText()).isEqualTo("APPROVED");
                    });
        }

        await("the conversion's row in PostgreSQL").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(row(clickId))
                        .containsEntry("campaign_id", CAMPAIGN)
                        .containsEntry("affiliate_id", "compose-affiliate")
                        .containsEntry("txn_id", "compose-order-1")
                        .containsEntry("status", "APPROVED")
                        .containsEntry("sale_amount", "49.900000")
                        // 10 % and 15 % of 49.90, in the currency's cents, as the topology rounds them.
                        .containsEntry("payout", "4.990000")
                        .containsEntry("revenue", "7.490000"));
    }

    @Test
    @Order(4)
    void everyServiceStopsWithinItsStopGracePeriod() throws Exception {
        List<String> killed = stack.stopAll();
        assertThat(killed).as("still running after their stop_grace_period (Compose's default: 10 s)").isEmpty();
    }

    /** PostgreSQL as the postgres image starts on an empty volume: its database, owner and init scripts. */
    private static LocalPostgres startPostgres(JsonNode service) throws Exception {
        Map<String, String> environment = ComposeFile.environment(service);
        List<Path> initScripts = ComposeFile.bindMounts(service).entrySet().stream()
                .filter(mount -> mount.getValue().startsWith("/docker-entrypoint-initdb.d/"))
                .sorted(Map.Entry.comparingByValue())
                .map(mount -> compose.root.resolve(mount.getKey()).normalize())
                .toList();
        assertThat(initScripts).as("the table's init script").isNotEmpty();
        return LocalPostgres.start(environment.get("POSTGRES_DB"), environment.get("POSTGRES_USER"),
                environment.get("POSTGRES_PASSWORD"), initScripts);
    }

    private static Map<String, String> row(String clickId) throws Exception {
        Map<String, String> row = new HashMap<>();
        try (Connection connection = postgres.connect();
             PreparedStatement query = connection.prepareStatement("SELECT campaign_id, affiliate_id, txn_id, status,"
                     + " sale_amount::text AS sale_amount, payout::text AS payout, revenue::text AS revenue"
                     + " FROM attributed_conversions WHERE click_id = ?")) {
            query.setString(1, clickId);
            try (ResultSet result = query.executeQuery()) {
                if (result.next()) {
                    for (int column = 1; column <= result.getMetaData().getColumnCount(); column++) {
                        row.put(result.getMetaData().getColumnName(column), result.getString(column));
                    }
                }
            }
        }
        return row;
    }

    /** RUNNING once the connector and all its tasks run; otherwise what Connect says. */
    private static String connectorState(String name) throws Exception {
        // Connect's REST port: the one its healthcheck asks.
        int rest = stack.probe("connect").orElseThrow().containerPort();
        HttpResponse<String> status = get(stack.uri("connect", rest, "/connectors/" + name + "/status"));
        if (status.statusCode() != 200) {
            return "HTTP " + status.statusCode() + ": " + status.body();
        }
        JsonNode body = JSON.readTree(status.body());
        if (body.path("tasks").isEmpty()) {
            return "no task yet";
        }
        StringBuilder states = new StringBuilder(body.at("/connector/state").asText());
        body.path("tasks").forEach(task -> states.append('/').append(task.path("state").asText()));
        return states.toString().matches("RUNNING(/RUNNING)+") ? "RUNNING" : states + " " + status.body();
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
