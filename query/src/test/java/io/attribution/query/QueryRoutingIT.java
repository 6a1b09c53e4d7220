package io.attribution.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.attribution.embedded.testkit.KafkaKit;
import io.attribution.query.protocol.QueryProtocol;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.attribution.query.HttpProbe.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three instances of a word-count application on a real broker: every instance answers every
 * question exactly, forwarding what it does not hold, and when one instance dies the others
 * answer from standbys (stale, naming the dead host) or refuse with 503 — never a wrong number.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QueryRoutingIT {

    private static final int WORDS = 30;
    private static final Map<String, String> LOCAL = Map.of(QueryProtocol.SCOPE_HEADER, QueryProtocol.LOCAL);
    private static final String ALL_PARTITIONS = "0,1,2,3,4,5";

    @TempDir
    static Path stateRoot;

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static final List<StreamsInstance> instances = new ArrayList<>();
    private static final Map<String, Long> expectedByWord = new TreeMap<>();
    private static final Map<String, Integer> partitionOfWord = new HashMap<>();
    private static final Map<Integer, Long> expectedByPartition = new TreeMap<>();
    private static long expectedTotal;

    @BeforeAll
    static void startThreeInstances() throws Exception {
        kit.createTopics(WordCounts.PARTITIONS, WordCounts.TOPIC);
        String applicationId = kit.uniqueId("query-routing");
        for (int i = 0; i < 3; i++) {
            instances.add(QueryInstance.start(kit.bootstrapServers(), applicationId, stateRoot.resolve("instance-" + i)));
        }
        // Every partition active on one instance and standby on another, and every instance active for some.
        await("three instances share the partitions, each with a standby").atMost(Duration.ofSeconds(45))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> instances.stream().allMatch(i -> i.streams.state() == KafkaStreams.State.RUNNING)
                        && instances.stream().allMatch(i -> activePartitions(i, i).size() >= 1)
                        && IntStream.range(0, WordCounts.PARTITIONS).allMatch(p -> holders(p).size() == 2));

        produceWords();
        await("all words counted").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> instances.stream().allMatch(i -> {
                    HttpProbe.Reply reply = get(i.uri("/counts"));
                    return reply.status() == 200 && reply.body().get("total").asLong() == expectedTotal;
                }));
    }

    @AfterAll
    static void stop() {
        instances.forEach(StreamsInstance::close);
    }

    @Test
    @Order(1)
    void everyInstanceAnswersEveryKeyFromItsOwner() {
        for (StreamsInstance asked : instances) {
            int forwarded = 0;
            for (Map.Entry<String, Long> word : expectedByWord.entrySet()) {
                HttpProbe.Reply reply = get(asked.uri("/counts/" + word.getKey()));

                assertThat(reply.status()).as("%s asked for %s: %s", asked.name, word.getKey(), reply.body()).isEqualTo(200);
                assertThat(reply.body().get("count").asLong()).isEqualTo(word.getValue());
                assertThat(reply.body().get("stale").asBoolean()).isFalse();
                assertThat(reply.body().get("failed_hosts").size()).isZero();
                int partition = partitionOfWord.get(word.getKey());
                String owner = QueryProtocol.name(asked.streams.queryMetadataForKey(WordCounts.STORE, word.getKey(),
                        Serdes.String().serializer()).activeHost());
                JsonNode answeredBy = reply.body().get("answered_by");
                assertThat(answeredBy.size()).isEqualTo(1);
                String answerer = answeredBy.path(Integer.toString(partition)).asText();
                assertThat(answerer).as("who answered for %s", word.getKey()).isEqualTo(owner);
                if (!answerer.equals(asked.name)) {
                    forwarded++;
                }
            }
            assertThat(forwarded).as("keys %s forwarded to their owners", asked.name).isPositive();
        }
    }

    @Test
    @Order(2)
    void everyInstanceSumsAllPartitions() {
        Set<String> allInstances = instances.stream().map(i -> i.name).collect(Collectors.toSet());
        for (StreamsInstance asked : instances) {
            HttpProbe.Reply reply = get(asked.uri("/counts"));

            assertThat(reply.status()).as("%s: %s", asked.name, reply.body()).isEqualTo(200);
            assertThat(reply.body().get("total").asLong()).isEqualTo(expectedTotal);
            assertThat(reply.body().get("words").asLong()).isEqualTo(WORDS);
            for (Map.Entry<Integer, Long> partition : expectedByPartition.entrySet()) {
                assertThat(reply.body().get("by_partition").path(partition.getKey().toString()).asLong(-1))
                        .isEqualTo(partition.getValue());
            }
            assertThat(reply.body().get("stale").asBoolean()).isFalse();
            assertThat(reply.body().get("failed_hosts").size()).isZero();
            Set<String> answerers = new HashSet<>();
            reply.body().get("answered_by").forEach(host -> answerers.add(host.asText()));
            assertThat(reply.body().get("answered_by").size()).isEqualTo(WordCounts.PARTITIONS);
            assertThat(answerers).isEqualTo(allInstances);
        }
    }

    @Test
    @Order(3)
    void localScopeAnswersOnlyFromLocalStoresAndNeverForwards() {
        for (StreamsInstance asked : instances) {
            Set<Integer> own = activePartitions(asked, asked);
            HttpProbe.Reply reply = get(asked.uri("/counts?partitions=" + ALL_PARTITIONS), LOCAL);

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body().get("host").asText()).isEqualTo(asked.name);
            assertThat(reply.body().has("answered_by")).isFalse();
            Set<Integer> answered = partitionsIn(reply.body().get("partitions"));
            assertThat(answered).isEqualTo(own);
            for (int partition : answered) {
                assertThat(reply.body().get("partitions").get(Integer.toString(partition)).get("total").asLong())
                        .isEqualTo(expectedByPartition.get(partition));
            }
            Set<Integer> others = new TreeSet<>(expectedByPartition.keySet());
            others.removeAll(own);
            assertThat(partitionsIn(reply.body().get("unavailable"))).isEqualTo(others);
            reply.body().get("unavailable").forEach(reason -> assertThat(reason.asText()).isIn("NOT_ACTIVE", "NOT_PRESENT"));

            // A word held elsewhere: its partition is reported unavailable here, not fetched from its owner.
            String elsewhere = expectedByWord.keySet().stream()
                    .filter(word -> !own.contains(partitionOfWord.get(word))).findFirst().orElseThrow();
            int partition = partitionOfWord.get(elsewhere);
            HttpProbe.Reply keyed = get(asked.uri("/counts/" + elsewhere + "?partitions=" + partition), LOCAL);
            assertThat(keyed.status()).isEqualTo(200);
            assertThat(keyed.body().get("partitions").size()).isZero();
            assertThat(partitionsIn(keyed.body().get("unavailable"))).containsExactly(partition);
        }
    }

    @Test
    @Order(4)
    void badRequestsAreRefusedClearly() {
        StreamsInstance asked = instances.get(0);
        for (String partitions : List.of("x", "", "1,,2", "-1", "1,1", "1;2", "9999999999", "1&partitions=2")) {
            HttpProbe.Reply reply = get(asked.uri("/counts?partitions=" + partitions), LOCAL);
            assertThat(reply.status()).as("partitions=%s", partitions).isEqualTo(400);
            assertThat(reply.body().get("error").asText()).isEqualTo("BAD_PARAMETER");
            assertThat(reply.body().get("field").asText()).isEqualTo("partitions");
            assertThat(reply.body().get("message").asText()).isNotBlank();
        }
        assertBadParameter(get(asked.uri("/counts"), LOCAL), "partitions");
        assertBadParameter(get(asked.uri("/counts?partitions=1")), "partitions");
        assertBadParameter(get(asked.uri("/counts"), Map.of(QueryProtocol.SCOPE_HEADER, "global")),
                QueryProtocol.SCOPE_HEADER);
        assertBadParameter(get(asked.uri("/counts?partitions=1"),
                Map.of(QueryProtocol.SCOPE_HEADER, "local", QueryProtocol.ACTIVE_ONLY_HEADER, "maybe")),
                QueryProtocol.ACTIVE_ONLY_HEADER);
        assertBadParameter(get(asked.uri("/counts/")), "word");

        for (String method : List.of("POST", "PUT", "DELETE", "HEAD", "TRACE")) {
            HttpProbe.Reply reply = HttpProbe.send(asked.uri("/counts"), method, Map.of());
            assertThat(reply.status()).as(method).isEqualTo(405);
            assertThat(reply.header("Allow")).isEqualTo("GET");
        }
        HttpProbe.Reply unknown = get(asked.uri("/nothing-here"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).startsWith("application/json");
        assertThat(unknown.body().get("error").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    @Order(5)
    void killedInstanceIsCoveredByStandbysOrRefusedNeverMiscounted() {
        // Standby copies must hold everything before the kill, or a stale answer could be short.
        await("standbys caught up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(QueryRoutingIT::everyCopyOfEveryPartitionIsExact);

        StreamsInstance victim = instances.get(2);
        List<StreamsInstance> survivors = instances.subList(0, 2);
        String victimWord = expectedByWord.keySet().stream()
                .filter(word -> activePartitions(victim, victim).contains(partitionOfWord.get(word)))
                .findFirst().orElseThrow();
        victim.kill();
        long killedAt = System.nanoTime();

        Observations seen = new Observations(victim.name);
        await("survivors own every partition and answer exactly, fresh").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    boolean fresh = true;
                    for (StreamsInstance survivor : survivors) {
                        fresh &= seen.check(get(survivor.uri("/counts")), "total", expectedTotal);
                        fresh &= seen.check(get(survivor.uri("/counts/" + victimWord)), "count",
                                expectedByWord.get(victimWord));
                    }
                    return fresh && survivors.stream().allMatch(s -> s.streams.state() == KafkaStreams.State.RUNNING
                            && s.streams.metadataForAllStreamsClients().size() == 2);
                });
        System.out.printf("after the kill (%d ms to recover): %s%n",
                Duration.ofNanos(System.nanoTime() - killedAt).toMillis(), seen);

        assertThat(seen.violations).isEmpty();
        assertThat(seen.coveredForVictim).as("answers a standby gave while %s was unreachable", victim.name).isPositive();

        for (StreamsInstance survivor : survivors) {
            for (Map.Entry<String, Long> word : expectedByWord.entrySet()) {
                HttpProbe.Reply reply = get(survivor.uri("/counts/" + word.getKey()));
                assertThat(reply.status()).as("%s: %s", word.getKey(), reply.body()).isEqualTo(200);
                assertThat(reply.body().get("count").asLong()).isEqualTo(word.getValue());
                assertThat(reply.body().get("stale").asBoolean()).isFalse();
                assertThat(reply.body().get("failed_hosts").size()).isZero();
            }
            HttpProbe.Reply total = get(survivor.uri("/counts"));
            assertThat(total.status()).isEqualTo(200);
            assertThat(total.body().get("total").asLong()).isEqualTo(expectedTotal);
            assertThat(total.body().get("stale").asBoolean()).isFalse();
        }
    }

    /** What the survivors answered while the group noticed the kill and rebalanced. */
    private static final class Observations {
        private final String victim;
        final List<String> violations = new ArrayList<>();
        int exact;
        int coveredForVictim;
        int staleOther;
        int refused;

        Observations(String victim) {
            this.victim = victim;
        }

        /** @return whether the reply is exact, fresh and complete (the state after the rebalance) */
        boolean check(HttpProbe.Reply reply, String field, long expected) {
            JsonNode body = reply.body();
            if (reply.status() == 503) {
                refused++;
                if (!"1".equals(reply.header("Retry-After")) || !body.path("missing_partitions").isArray()
                        || !body.path("failed_hosts").isObject()) {
                    violations.add("503 without Retry-After or the missing partitions: " + body);
                }
                return false;
            }
            if (reply.status() != 200) {
                violations.add("HTTP " + reply.status() + ": " + body);
                return false;
            }
            if (body.get(field).asLong() != expected) {
                violations.add("wrong " + field + " " + body.get(field) + " instead of " + expected + ": " + body);
            }
            Set<String> failed = new HashSet<>();
            body.get("failed_hosts").properties().forEach(host -> failed.add(host.getKey()));
            boolean stale = body.get("stale").asBoolean();
            if (!failed.isEmpty() && (!stale || !failed.equals(Set.of(victim)))) {
                violations.add("failed hosts " + failed + " without a stale answer covering for " + victim + ": " + body);
            }
            if (stale && failed.contains(victim)) {
                coveredForVictim++;
            } else if (stale) {
                staleOther++; // an active copy not yet running during the rebalance, covered by its standby
            } else {
                exact++;
            }
            return !stale && failed.isEmpty();
        }

        @Override
        public String toString() {
            return "fresh=" + exact + ", stale covering the dead host=" + coveredForVictim + ", stale during rebalance="
                    + staleOther + ", 503=" + refused + ", violations=" + violations.size();
        }
    }

    private static void produceWords() throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        Map<String, List<Future<RecordMetadata>>> sent = new LinkedHashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            // Word i is sent (i % 7) + 1 times, interleaved, so counts differ per word and per partition.
            for (int round = 0; round < 7; round++) {
                for (int i = 0; i < WORDS; i++) {
                    if (round <= i % 7) {
                        String word = String.format("word-%02d", i);
                        sent.computeIfAbsent(word, w -> new ArrayList<>())
                                .add(producer.send(new ProducerRecord<>(WordCounts.TOPIC, word, word)));
                    }
                }
            }
            producer.flush();
        }
        for (Map.Entry<String, List<Future<RecordMetadata>>> word : sent.entrySet()) {
            for (Future<RecordMetadata> record : word.getValue()) {
                partitionOfWord.put(word.getKey(), record.get().partition());
            }
            long count = word.getValue().size();
            expectedByWord.put(word.getKey(), count);
            expectedByPartition.merge(partitionOfWord.get(word.getKey()), count, Long::sum);
            expectedTotal += count;
        }
        for (int partition = 0; partition < WordCounts.PARTITIONS; partition++) {
            expectedByPartition.putIfAbsent(partition, 0L);
        }
    }

    /** Each partition held by two instances (active and standby), both copies exactly as sent. */
    private static boolean everyCopyOfEveryPartitionIsExact() {
        Map<Integer, Integer> copies = new HashMap<>();
        for (StreamsInstance instance : instances) {
            HttpProbe.Reply reply = get(instance.uri("/counts?partitions=" + ALL_PARTITIONS),
                    Map.of(QueryProtocol.SCOPE_HEADER, QueryProtocol.LOCAL, QueryProtocol.ACTIVE_ONLY_HEADER, "false"));
            if (reply.status() != 200) {
                return false;
            }
            for (int partition : partitionsIn(reply.body().get("partitions"))) {
                long total = reply.body().get("partitions").get(Integer.toString(partition)).get("total").asLong();
                if (total != expectedByPartition.get(partition)) {
                    return false;
                }
                copies.merge(partition, 1, Integer::sum);
            }
        }
        return IntStream.range(0, WordCounts.PARTITIONS).allMatch(p -> copies.getOrDefault(p, 0) == 2);
    }

    /** The partitions of {@code words} that {@code whose} is active for, as {@code viewer} sees it. */
    private static Set<Integer> activePartitions(StreamsInstance viewer, StreamsInstance whose) {
        return viewer.streams.metadataForAllStreamsClients().stream()
                .filter(client -> client.hostInfo().equals(whose.host))
                .flatMap(client -> client.topicPartitions().stream())
                .filter(tp -> tp.topic().equals(WordCounts.TOPIC))
                .map(TopicPartition::partition)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Instances holding {@code partition} active or standby, as the first instance sees it. */
    private static Set<String> holders(int partition) {
        TopicPartition tp = new TopicPartition(WordCounts.TOPIC, partition);
        Set<String> holders = new HashSet<>();
        for (StreamsMetadata client : instances.get(0).streams.metadataForAllStreamsClients()) {
            if (client.topicPartitions().contains(tp) || client.standbyTopicPartitions().contains(tp)) {
                holders.add(QueryProtocol.name(client.hostInfo()));
            }
        }
        return holders;
    }

    private static Set<Integer> partitionsIn(JsonNode object) {
        Set<Integer> partitions = new TreeSet<>();
        object.properties().forEach(entry -> partitions.add(Integer.parseInt(entry.getKey())));
        return partitions;
    }

    private static void assertBadParameter(HttpProbe.Reply reply, String field) {
        assertThat(reply.status()).as("%s", reply.body()).isEqualTo(400);
        assertThat(reply.body().get("error").asText()).isEqualTo("BAD_PARAMETER");
        assertThat(reply.body().get("field").asText()).isEqualTo(field);
    }
}
