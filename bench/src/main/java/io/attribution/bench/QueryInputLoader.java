package io.attribution.bench;

import io.attribution.app.DemoData;
import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.RawPostback;
import io.attribution.schemas.RecordSerdes;
import io.attribution.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Writes the state the query benchmark asks about: a few campaigns (copies of the demo campaign,
 * two goals, no caps), the clicks over the day before yesterday (UTC), then the postbacks over
 * yesterday, spread evenly over the clicks, so that every postback is attributed and counted in
 * yesterday's stats. One idempotent producer, acks=all, large batches.
 */
final class QueryInputLoader implements AutoCloseable {

    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();
    private static final int PROGRESS_EVERY = 100_000;

    /**
     * What was written.
     *
     * @param postbackDay         the UTC day every postback was received in: the stats range asked
     * @param postbacksByCampaign postbacks per campaign id: each campaign's expected {@code postbacks_received}
     */
    record Loaded(List<String> campaignIds, Instant postbackDay, Map<String, Long> postbacksByCampaign) {
    }

    private final KafkaProducer<String, byte[]> producer;
    private final RecordSerdes serdes;
    private final QueryBenchOptions options;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    QueryInputLoader(String bootstrapServers, RecordSerdes serdes, QueryBenchOptions options) {
        this.serdes = serdes;
        this.options = options;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 50,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                new StringSerializer(), new ByteArraySerializer());
    }

    static String clickId(int i) {
        return "click-" + i;
    }

    static String campaignId(int k) {
        return "bench-campaign-" + k;
    }

    /** Writes everything; returns once the broker acknowledged all of it. */
    Loaded load(Consumer<String> progress) {
        Instant postbackDay = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
        Instant clickDay = postbackDay.minus(Duration.ofDays(1));
        long started = System.nanoTime();

        List<String> campaignIds = new ArrayList<>();
        Serializer<Campaign> campaigns = serdes.valueSerializer(Topics.CAMPAIGNS);
        for (int k = 0; k < options.campaigns(); k++) {
            Campaign campaign = Campaign.newBuilder(DemoData.campaign()).setCampaignId(campaignId(k))
                    .setAdvertiserId("bench-advertiser-" + k).setName("Bench campaign " + k).build();
            campaignIds.add(campaign.getCampaignId());
            send(Topics.CAMPAIGNS.name(), campaign.getCampaignId(),
                    campaigns.serialize(Topics.CAMPAIGNS.name(), campaign), Instant.now());
        }
        producer.flush();

        Serializer<Click> clicks = serdes.valueSerializer(Topics.CLICKS);
        long clickSpacing = Math.max(1, DAY_MILLIS / options.clicks());
        for (int i = 0; i < options.clicks(); i++) {
            Instant at = clickDay.plusMillis(Math.min(DAY_MILLIS - 1, i * clickSpacing));
            send(Topics.CLICKS.name(), clickId(i), clicks.serialize(Topics.CLICKS.name(), click(i, at)), at);
            if ((i + 1) % PROGRESS_EVERY == 0 || i + 1 == options.clicks()) {
                progress.accept(String.format(java.util.Locale.ROOT, "wrote %,d / %,d clicks (%.1f s)", i + 1,
                        options.clicks(), (System.nanoTime() - started) / 1e9));
            }
        }

        Map<String, Long> byCampaign = new LinkedHashMap<>();
        campaignIds.forEach(id -> byCampaign.put(id, 0L));
        Serializer<RawPostback> postbacks = serdes.valueSerializer(Topics.POSTBACKS_RAW);
        long postbackSpacing = Math.max(1, DAY_MILLIS / options.postbacks());
        for (int j = 0; j < options.postbacks(); j++) {
            int click = clickOf(j);
            Instant at = postbackDay.plusMillis(Math.min(DAY_MILLIS - 1, j * postbackSpacing));
            send(Topics.POSTBACKS_RAW.name(), clickId(click),
                    postbacks.serialize(Topics.POSTBACKS_RAW.name(), postback(j, click, at)), at);
            byCampaign.merge(campaignOf(click), 1L, Long::sum);
            if ((j + 1) % PROGRESS_EVERY == 0 || j + 1 == options.postbacks()) {
                progress.accept(String.format(java.util.Locale.ROOT, "wrote %,d / %,d postbacks (%.1f s)", j + 1,
                        options.postbacks(), (System.nanoTime() - started) / 1e9));
            }
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("writing the input failed", failure.get());
        }
        return new Loaded(List.copyOf(campaignIds), postbackDay, Map.copyOf(byCampaign));
    }

    /**
     * Postbacks spread evenly over the clicks: postback j goes to a click of the j-th of
     * {@code postbacks} equal slices of the clicks, at an offset that varies with j, so that the
     * postbacks reach every campaign and affiliate (click i is of campaign i mod campaigns).
     */
    private int clickOf(int j) {
        if (options.postbacks() > options.clicks()) {
            return j % options.clicks();
        }
        int slice = options.clicks() / options.postbacks();
        return (int) Math.min(options.clicks() - 1L, (long) j * slice + j % slice);
    }

    private String campaignOf(int click) {
        return campaignId(click % options.campaigns());
    }

    private Click click(int i, Instant at) {
        return Click.newBuilder().setClickId(clickId(i)).setCampaignId(campaignOf(i))
                .setAffiliateId("bench-affiliate-" + ((i / options.campaigns()) % options.affiliates()))
                .setClickedAt(at).setIp("198.51.100." + (i % 250)).setUserAgent("Mozilla/5.0 (bench)")
                .setSubs(Map.of("sub1", "banner-" + (i % 7), "sub2", "placement-" + (i % 13)))
                .build();
    }

    /** Every third postback a purchase with an amount, the others installs; each with its own txn id. */
    private static RawPostback postback(int j, int click, Instant at) {
        return BenchPostbacks.of("bench", j, clickId(click), j % 3 == 0, at);
    }

    private void send(String topic, String key, byte[] value, Instant at) {
        if (failure.get() != null) {
            throw new IllegalStateException("writing the input failed", failure.get());
        }
        producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), key, value), (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
