package io.attribution.app;

import io.attribution.avro.Campaign;
import io.attribution.campaigns.CampaignCatalog;
import io.attribution.query.access.CampaignOwners;

import java.util.Optional;

/** The query API's campaign owners, as the campaigns topic has them (the catalog that follows it). */
final class CatalogCampaignOwners implements CampaignOwners {

    private final CampaignCatalog catalog;

    CatalogCampaignOwners(CampaignCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public Optional<String> advertiserOf(String campaignId) {
        return catalog.get(campaignId).map(Campaign::getAdvertiserId);
    }

    @Override
    public boolean current() {
        return catalog.health().isCurrent();
    }
}
