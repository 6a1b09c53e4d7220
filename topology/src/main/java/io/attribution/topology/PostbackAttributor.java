package io.attribution.topology;

import io.attribution.avro.Campaign;
import io.attribution.avro.Click;
import io.attribution.avro.RawPostback;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Looks up a postback's click and campaign, applies the rules and forwards the outcome. */
final class PostbackAttributor implements Processor<String, RawPostback, String, Outcome> {

    private ProcessorContext<String, Outcome> context;
    private KeyValueStore<String, Click> clicks;
    private KeyValueStore<String, Campaign> campaigns;

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
        this.clicks = context.getStateStore(StoreNames.CLICKS);
        this.campaigns = context.getStateStore(StoreNames.CAMPAIGNS);
    }

    @Override
    public void process(Record<String, RawPostback> record) {
        RawPostback postback = record.value();
        if (postback == null) {
            return;
        }
        Click click = postback.getClickId().isBlank() ? null : clicks.get(postback.getClickId());
        Campaign campaign = click == null ? null : campaigns.get(click.getCampaignId());
        Outcome outcome = AttributionRules.attribute(postback, click, campaign);
        context.forward(record.withKey(outcome.key()).withValue(outcome));
    }
}
