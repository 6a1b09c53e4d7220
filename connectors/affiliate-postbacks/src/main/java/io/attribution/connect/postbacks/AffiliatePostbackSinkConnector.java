package io.attribution.connect.postbacks;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka Connect sink: reads attributed conversions (Avro, through the schema registry) and fires each affiliate's
 * postback URL with the conversion's values filled in. See {@link PostbackConfig} for the settings and
 * {@link AffiliatePostbackSinkTask} for the delivery guarantees.
 */
public class AffiliatePostbackSinkConnector extends SinkConnector {

    private static final Logger LOG = LoggerFactory.getLogger(AffiliatePostbackSinkConnector.class);

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        // Fails the connector at once, naming the key, rather than each task later.
        PostbackConfig config = new PostbackConfig(props);
        this.props = Map.copyOf(props);
        LOG.info("Affiliate postbacks for {} affiliate(s): {}", config.affiliates().size(),
                config.affiliates().values().stream().map(a -> a.affiliateId() + " " + a.template().method()
                        + " statuses " + a.statuses() + (a.updates() ? " with updates" : "")).toList());
    }

    @Override
    public Class<? extends Task> taskClass() {
        return AffiliatePostbackSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            configs.add(new HashMap<>(props));
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return PostbackConfig.BASE;
    }

    /** The fixed keys and each affiliate's keys, every problem reported on the key it concerns. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return PostbackConfig.validate(connectorConfigs);
    }
}
