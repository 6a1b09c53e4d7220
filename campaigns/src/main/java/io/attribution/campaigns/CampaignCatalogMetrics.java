package io.attribution.campaigns;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The catalogs' health as metrics, read at scrape time, labelled by catalog (ingest and admin may
 * run in one process and share its registry, which takes each metric name once):
 * {@code campaign_catalog_up} (1 while current), {@code campaign_catalog_lag_records} and
 * {@code campaign_catalog_skipped_records_total{reason}}.
 */
public final class CampaignCatalogMetrics implements MultiCollector {

    private static final Map<PrometheusRegistry, CampaignCatalogMetrics> BY_REGISTRY = new WeakHashMap<>();

    private final List<CampaignCatalog> catalogs = new CopyOnWriteArrayList<>();

    private CampaignCatalogMetrics() {
    }

    /** Reports {@code catalog} on {@code registry} until {@link #unregister}. */
    public static void register(PrometheusRegistry registry, CampaignCatalog catalog) {
        synchronized (BY_REGISTRY) {
            BY_REGISTRY.computeIfAbsent(registry, r -> {
                CampaignCatalogMetrics metrics = new CampaignCatalogMetrics();
                r.register(metrics);
                return metrics;
            }).catalogs.add(catalog);
        }
    }

    /** Stops reporting {@code catalog}, e.g. once closed. */
    public static void unregister(PrometheusRegistry registry, CampaignCatalog catalog) {
        synchronized (BY_REGISTRY) {
            CampaignCatalogMetrics metrics = BY_REGISTRY.get(registry);
            if (metrics != null) {
                metrics.catalogs.remove(catalog);
            }
        }
    }

    @Override
    public MetricSnapshots collect() {
        GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("campaign_catalog_up")
                .help("1 while the catalog's copy of the campaigns topic is current; 0 loading, stale or stopped");
        GaugeSnapshot.Builder lag = GaugeSnapshot.builder().name("campaign_catalog_lag_records")
                .help("Records of the campaigns topic the catalog has not read yet");
        CounterSnapshot.Builder skipped = CounterSnapshot.builder().name("campaign_catalog_skipped_records")
                .help("Campaign records the catalog could not take in (the last good version stays in force), by reason");
        for (CampaignCatalog catalog : catalogs) {
            CampaignCatalog.Health health = catalog.health();
            Labels labels = Labels.of("catalog", catalog.name());
            up.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                    .value(health.isCurrent() ? 1 : 0).build());
            lag.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                    .value(health.lagRecords()).build());
            for (CampaignRecords.Problem problem : CampaignRecords.Problem.values()) {
                skipped.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of("catalog", catalog.name(), "reason", problem.name()))
                        .value(catalog.skipped(problem)).build());
            }
        }
        return new MetricSnapshots(up.build(), lag.build(), skipped.build());
    }
}
