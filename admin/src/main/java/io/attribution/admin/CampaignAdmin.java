package io.attribution.admin;

import io.attribution.avro.ActivityStatus;
import io.attribution.avro.Campaign;
import io.attribution.avro.Goal;
import io.attribution.campaigns.CampaignCatalog;
import io.attribution.campaigns.CampaignRules;
import io.attribution.schemas.KafkaClientSettings;
import io.attribution.schemas.ProducerSettings;
import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * Creates, changes and lists campaigns. Writes go to the compacted campaigns topic (acks=all) and
 * return once the local catalog shows them, so a list right after a write includes it. The topic
 * is the only source of truth: every ingest and topology instance follows it.
 *
 * <p>Fails closed: while the local catalog is not current (loading, stuck, stopped) every call is
 * refused with {@link CatalogUnavailableException} rather than answered from a copy that may be
 * wrong, and a change is never built on such a copy.
 */
public final class CampaignAdmin implements AutoCloseable {

    private static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaProducer<String, Campaign> producer;
    private final CampaignCatalog catalog;

    public CampaignAdmin(String bootstrapServers, RecordSerdes serdes) {
        this(bootstrapServers, serdes, CampaignCatalog.DEFAULT_MAX_STALENESS);
    }

    /** @param maxStaleness how long the catalog may be stuck before every call is refused */
    public CampaignAdmin(String bootstrapServers, RecordSerdes serdes, Duration maxStaleness) {
        this(KafkaClientSettings.plaintext(bootstrapServers), serdes, maxStaleness);
    }

    public CampaignAdmin(KafkaClientSettings cluster, RecordSerdes serdes) {
        this(cluster, serdes, CampaignCatalog.DEFAULT_MAX_STALENESS);
    }

    /**
     * @param cluster      the Kafka cluster and the operator's client settings for it (TLS, SASL)
     * @param maxStaleness how long the catalog may be stuck before every call is refused
     */
    public CampaignAdmin(KafkaClientSettings cluster, RecordSerdes serdes, Duration maxStaleness) {
        this.producer = new KafkaProducer<>(ProducerSettings.safe(cluster, "campaign-admin"),
                new StringSerializer(), serdes.valueSerializer(Topics.CAMPAIGNS));
        this.catalog = CampaignCatalog.start(cluster, serdes, "admin-campaign-catalog", maxStaleness);
    }

    /** The local copy of the campaigns topic, for health and metrics. */
    public CampaignCatalog catalog() {
        return catalog;
    }

    /**
     * Waits (up to the visibility timeout) for a catalog that is still loading what the topic held
     * at its start, as a command run right after the start does.
     *
     * @throws CatalogUnavailableException unless the local copy is current
     */
    public void requireCurrentCatalog() throws InterruptedException {
        if (catalog.health().state() == CampaignCatalog.State.STARTING) {
            catalog.awaitCaughtUp(VISIBLE_TIMEOUT);
        }
        CampaignCatalog.Health health = catalog.health();
        if (!health.isCurrent()) {
            throw new CatalogUnavailableException("CATALOG_NOT_CURRENT",
                    "the campaign catalog is " + health.state() + ": " + health.problem() + "; try again");
        }
    }

    public List<Campaign> list() {
        List<Campaign> all = new ArrayList<>(catalog.all());
        all.sort(Comparator.comparing(Campaign::getCampaignId));
        return all;
    }

    public Optional<Campaign> get(String campaignId) {
        return catalog.get(campaignId);
    }

    /**
     * Creates or replaces the campaign; returns it as stored, once the local catalog shows it.
     *
     * @throws InvalidCampaignException    the campaign breaks a rule: nothing is written
     * @throws CatalogUnavailableException written, but not seen in the local catalog in time
     */
    public Campaign put(Campaign campaign) throws ExecutionException, InterruptedException {
        CampaignRules.violation(campaign).ifPresent(broken -> {
            throw new InvalidCampaignException(broken.field(), broken.message());
        });
        requireCurrentCatalog();
        RecordMetadata written = producer.send(
                new ProducerRecord<>(Topics.CAMPAIGNS.name(), campaign.getCampaignId(), campaign)).get();
        if (!catalog.awaitRead(new TopicPartition(written.topic(), written.partition()), written.offset(),
                VISIBLE_TIMEOUT)) {
            throw new CatalogUnavailableException("NOT_VISIBLE", "the campaign was written but the catalog has not"
                    + " read it within " + VISIBLE_TIMEOUT.toSeconds() + " s; GET it again, or repeat the PUT");
        }
        return campaign;
    }

    public Campaign setStatus(String campaignId, ActivityStatus status) throws ExecutionException, InterruptedException {
        return put(Campaign.newBuilder(existing(campaignId)).setStatus(status).build());
    }

    /** Adds the goal, or replaces the goal with the same id. */
    public Campaign putGoal(String campaignId, Goal goal) throws ExecutionException, InterruptedException {
        Campaign campaign = existing(campaignId);
        List<Goal> goals = new ArrayList<>(campaign.getGoals());
        goals.removeIf(g -> g.getGoalId().equals(goal.getGoalId()));
        goals.add(goal);
        return put(Campaign.newBuilder(campaign).setGoals(goals).build());
    }

    public Campaign setGoalStatus(String campaignId, String goalId, ActivityStatus status)
            throws ExecutionException, InterruptedException {
        Campaign campaign = existing(campaignId);
        Goal goal = campaign.getGoals().stream().filter(g -> g.getGoalId().equals(goalId)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("campaign " + campaignId + " has no goal " + goalId));
        return putGoal(campaignId, Goal.newBuilder(goal).setStatus(status).build());
    }

    private Campaign existing(String campaignId) throws InterruptedException {
        requireCurrentCatalog();
        return get(campaignId).orElseThrow(() -> new NoSuchElementException("no campaign " + campaignId));
    }

    public boolean awaitCatalog(Duration timeout) throws InterruptedException {
        return catalog.awaitCaughtUp(timeout);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        catalog.close();
    }
}
