package io.attribution.query.access;

import java.util.Optional;

/** Which advertiser a campaign belongs to: what an advertiser's scope is checked against. */
public interface CampaignOwners {

    /** The campaign's advertiser; empty for a campaign not (yet) known. */
    Optional<String> advertiserOf(String campaignId);

    /**
     * Whether the campaigns are read up to date: while not, a scoped question is answered 503
     * rather than checked against an old owner (or none).
     */
    boolean current();

    /** No campaigns known yet (the query API before Kafka is reached): every scoped question waits. */
    CampaignOwners NOT_READ = new CampaignOwners() {
        @Override
        public Optional<String> advertiserOf(String campaignId) {
            return Optional.empty();
        }

        @Override
        public boolean current() {
            return false;
        }
    };
}
