package io.attribution.connect.postbacks;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The connector's settings. Besides the fixed keys below, each affiliate with a postback has its own keys:
 * {@code affiliates.<affiliate_id>.url} (required), {@code .method}, {@code .statuses} and {@code .updates}; the
 * definition is built from the affiliate ids the keys name, like Connect's own {@code transforms.<name>.*}.
 */
final class PostbackConfig extends AbstractConfig {

    static final String AFFILIATES_PREFIX = "affiliates.";
    static final String URL_SUFFIX = "url";
    static final String METHOD_SUFFIX = "method";
    static final String STATUSES_SUFFIX = "statuses";
    static final String UPDATES_SUFFIX = "updates";
    private static final Pattern AFFILIATE_KEY = Pattern.compile("affiliates\\.(.+)\\.([^.]+)");
    private static final Set<String> SUFFIXES = Set.of(URL_SUFFIX, METHOD_SUFFIX, STATUSES_SUFFIX, UPDATES_SUFFIX);
    static final List<String> STATUSES = List.of("APPROVED", "PENDING", "REJECTED", "CANCELLED");

    static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    static final String REQUEST_TIMEOUT_MS = "http.request.timeout.ms";
    static final String MAX_IN_FLIGHT_PER_AFFILIATE = "http.max.in.flight.per.affiliate";
    static final String RETRY_MAX_ATTEMPTS = "retry.max.attempts";
    static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    static final String RETRY_BACKOFF_JITTER = "retry.backoff.jitter";
    static final String MAX_PENDING_RECORDS = "max.pending.records";
    static final String STATS_LOG_INTERVAL_MS = "stats.log.interval.ms";

    private static final String GROUP_HTTP = "HTTP";
    private static final String GROUP_RETRY = "Retries";
    private static final String GROUP_AFFILIATES = "Affiliates";

    /** The fixed keys. */
    static final ConfigDef BASE = new ConfigDef()
            .define(CONNECT_TIMEOUT_MS, Type.LONG, 5_000L, ConfigDef.Range.between(1, 300_000), Importance.MEDIUM,
                    "How long to wait for a TCP (and TLS) connection to an affiliate's server.",
                    GROUP_HTTP, 1, ConfigDef.Width.SHORT, "Connect timeout (ms)")
            .define(REQUEST_TIMEOUT_MS, Type.LONG, 10_000L, ConfigDef.Range.between(1, 300_000), Importance.MEDIUM,
                    "How long to wait for an affiliate's answer to one postback request; a timeout is retried.",
                    GROUP_HTTP, 2, ConfigDef.Width.SHORT, "Request timeout (ms)")
            .define(MAX_IN_FLIGHT_PER_AFFILIATE, Type.INT, 8, ConfigDef.Range.between(1, 1024), Importance.LOW,
                    "Postback requests in flight at once to one affiliate (per task). Status changes of one "
                            + "conversion are always sent one after the other, in order.",
                    GROUP_HTTP, 3, ConfigDef.Width.SHORT, "Requests in flight per affiliate")
            .define(RETRY_MAX_ATTEMPTS, Type.INT, 5, ConfigDef.Range.between(1, 100), Importance.MEDIUM,
                    "Attempts per postback, the first included, on a 5xx, a 429, a timeout or a connection error. "
                            + "Another 4xx is not retried. A postback that still fails goes to the dead-letter topic "
                            + "(errors.deadletterqueue.topic.name).",
                    GROUP_RETRY, 1, ConfigDef.Width.SHORT, "Attempts")
            .define(RETRY_BACKOFF_MS, Type.LONG, 1_000L, ConfigDef.Range.between(1, 3_600_000), Importance.LOW,
                    "Wait before the first retry; doubled for each further retry, up to " + RETRY_BACKOFF_MAX_MS + ".",
                    GROUP_RETRY, 2, ConfigDef.Width.SHORT, "Backoff (ms)")
            .define(RETRY_BACKOFF_MAX_MS, Type.LONG, 60_000L, ConfigDef.Range.between(1, 3_600_000), Importance.LOW,
                    "The longest wait between two attempts, also when the affiliate asks for more with Retry-After.",
                    GROUP_RETRY, 3, ConfigDef.Width.SHORT, "Max backoff (ms)")
            .define(RETRY_BACKOFF_JITTER, Type.DOUBLE, 0.5, ConfigDef.Range.between(0.0, 1.0), Importance.LOW,
                    "Randomness of each wait: a wait of d becomes a random time between d * (1 - jitter) and d, so "
                            + "postbacks failed together do not retry together.",
                    GROUP_RETRY, 4, ConfigDef.Width.SHORT, "Backoff jitter")
            .define(MAX_PENDING_RECORDS, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Records taken from Kafka whose postback is not done yet (sent, or dead-lettered), per task; "
                            + "above it the task stops taking more until some are done.",
                    GROUP_HTTP, 4, ConfigDef.Width.SHORT, "Max pending records")
            .define(STATS_LOG_INTERVAL_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "How often each task logs its counts (sent, skipped, failed, retries) at INFO; 0 logs them only "
                            + "when the task stops. The same counts are metrics (JMX kafka.connect:type=plugins).",
                    GROUP_HTTP, 5, ConfigDef.Width.SHORT, "Stats log interval (ms)");

    private final Map<String, AffiliatePostback> affiliates;

    PostbackConfig(Map<String, String> props) {
        super(definition(props), props, false);
        List<String> problems = affiliateProblems(props);
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        Map<String, AffiliatePostback> parsed = new LinkedHashMap<>();
        for (String id : affiliateIds(props)) {
            PostbackTemplate.Method method = PostbackTemplate.Method.valueOf(
                    getString(key(id, METHOD_SUFFIX)).trim().toUpperCase(Locale.ROOT));
            PostbackTemplate template = PostbackTemplate.parse(getString(key(id, URL_SUFFIX)), method);
            Set<String> statuses = new LinkedHashSet<>();
            for (String status : getList(key(id, STATUSES_SUFFIX))) {
                statuses.add(status.trim().toUpperCase(Locale.ROOT));
            }
            parsed.put(id, new AffiliatePostback(id, template, Set.copyOf(statuses), getBoolean(key(id, UPDATES_SUFFIX))));
        }
        this.affiliates = Map.copyOf(parsed);
    }

    static String key(String affiliateId, String suffix) {
        return AFFILIATES_PREFIX + affiliateId + "." + suffix;
    }

    /** The affiliate ids named by {@code affiliates.<id>.<setting>} keys, in sorted order. */
    static Set<String> affiliateIds(Map<String, String> props) {
        Set<String> ids = new TreeSet<>();
        for (String key : props.keySet()) {
            Matcher matcher = AFFILIATE_KEY.matcher(key);
            if (matcher.matches() && SUFFIXES.contains(matcher.group(2))) {
                ids.add(matcher.group(1));
            }
        }
        return ids;
    }

    /** The fixed keys plus those of every affiliate the properties name. */
    static ConfigDef definition(Map<String, String> props) {
        ConfigDef def = new ConfigDef(BASE);
        int order = 0;
        for (String id : affiliateIds(props)) {
            def.define(key(id, URL_SUFFIX), Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new TemplateValidator(props),
                    Importance.HIGH, "Postback URL template of affiliate " + id + "; macros: " + Macros.names()
                            + ", each value URL-encoded.",
                    GROUP_AFFILIATES, ++order, ConfigDef.Width.LONG, id + " URL");
            def.define(key(id, METHOD_SUFFIX), Type.STRING, "GET", new MethodValidator(), Importance.MEDIUM,
                    "GET fires the filled URL; POST sends its query parameters, filled, as a form body.",
                    GROUP_AFFILIATES, ++order, ConfigDef.Width.SHORT, id + " method");
            def.define(key(id, STATUSES_SUFFIX), Type.LIST, "approved", new StatusesValidator(), Importance.MEDIUM,
                    "Which conversion statuses fire: any of approved, pending, rejected, cancelled.",
                    GROUP_AFFILIATES, ++order, ConfigDef.Width.MEDIUM, id + " statuses");
            def.define(key(id, UPDATES_SUFFIX), Type.BOOLEAN, false, Importance.MEDIUM,
                    "Whether a status change of a conversion already reported (a reversal, a chargeback) fires too.",
                    GROUP_AFFILIATES, ++order, ConfigDef.Width.SHORT, id + " updates");
        }
        return def;
    }

    /** Validates everything, as Connect's REST API shows it: each problem on the key it concerns. */
    static Config validate(Map<String, String> props) {
        List<ConfigValue> values = new ArrayList<>(definition(props).validate(props));
        Set<String> ids = affiliateIds(props);
        if (ids.isEmpty()) {
            ConfigValue affiliates = new ConfigValue("affiliates");
            affiliates.addErrorMessage(noAffiliatesMessage());
            values.add(affiliates);
        }
        for (String key : props.keySet()) {
            String problem = strayKeyProblem(key);
            if (problem != null) {
                ConfigValue value = new ConfigValue(key);
                value.value(props.get(key));
                value.addErrorMessage(problem);
                values.add(value);
            }
        }
        return new Config(values);
    }

    private static List<String> affiliateProblems(Map<String, String> props) {
        List<String> problems = new ArrayList<>();
        if (affiliateIds(props).isEmpty()) {
            problems.add(noAffiliatesMessage());
        }
        for (String key : props.keySet()) {
            String problem = strayKeyProblem(key);
            if (problem != null) {
                problems.add(key + ": " + problem);
            }
        }
        return problems;
    }

    private static String noAffiliatesMessage() {
        return "no affiliate has a postback: set affiliates.<affiliate_id>.url for at least one affiliate";
    }

    /** A key under {@code affiliates.} that is no setting: a typo the operator should hear about. */
    private static String strayKeyProblem(String key) {
        if (!key.startsWith(AFFILIATES_PREFIX)) {
            return null;
        }
        Matcher matcher = AFFILIATE_KEY.matcher(key);
        if (matcher.matches() && SUFFIXES.contains(matcher.group(2))) {
            return null;
        }
        return "not a setting: affiliate postbacks are set with affiliates.<affiliate_id>.url, .method, .statuses "
                + "and .updates";
    }

    Map<String, AffiliatePostback> affiliates() {
        return affiliates;
    }

    Duration connectTimeout() {
        return Duration.ofMillis(getLong(CONNECT_TIMEOUT_MS));
    }

    Duration requestTimeout() {
        return Duration.ofMillis(getLong(REQUEST_TIMEOUT_MS));
    }

    int maxInFlightPerAffiliate() {
        return getInt(MAX_IN_FLIGHT_PER_AFFILIATE);
    }

    int maxPendingRecords() {
        return getInt(MAX_PENDING_RECORDS);
    }

    Duration statsLogInterval() {
        return Duration.ofMillis(getLong(STATS_LOG_INTERVAL_MS));
    }

    RetryPolicy retryPolicy() {
        return new RetryPolicy(getInt(RETRY_MAX_ATTEMPTS), Duration.ofMillis(getLong(RETRY_BACKOFF_MS)),
                Duration.ofMillis(getLong(RETRY_BACKOFF_MAX_MS)), getDouble(RETRY_BACKOFF_JITTER));
    }

    private static final class TemplateValidator implements ConfigDef.Validator {

        private final Map<String, String> props;

        TemplateValidator(Map<String, String> props) {
            this.props = props;
        }

        @Override
        public void ensureValid(String name, Object value) {
            String method = props.getOrDefault(name.substring(0, name.length() - URL_SUFFIX.length()) + METHOD_SUFFIX,
                    "GET").trim().toUpperCase(Locale.ROOT);
            try {
                PostbackTemplate.parse((String) value,
                        method.equals("POST") ? PostbackTemplate.Method.POST : PostbackTemplate.Method.GET);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "an http(s) URL; macros " + Macros.names();
        }
    }

    private static final class MethodValidator implements ConfigDef.Validator {

        @Override
        public void ensureValid(String name, Object value) {
            String method = value == null ? "" : value.toString().trim().toUpperCase(Locale.ROOT);
            if (!method.equals("GET") && !method.equals("POST")) {
                throw new ConfigException(name, value, "must be GET or POST");
            }
        }

        @Override
        public String toString() {
            return "GET or POST";
        }
    }

    private static final class StatusesValidator implements ConfigDef.Validator {

        @Override
        @SuppressWarnings("unchecked")
        public void ensureValid(String name, Object value) {
            List<String> statuses = (List<String>) value;
            if (statuses == null || statuses.isEmpty()) {
                throw new ConfigException(name, value, "name at least one of approved, pending, rejected, cancelled");
            }
            for (String status : statuses) {
                if (!STATUSES.contains(status.trim().toUpperCase(Locale.ROOT))) {
                    throw new ConfigException(name, value, "unknown status '" + status
                            + "'; the statuses are approved, pending, rejected, cancelled");
                }
            }
        }

        @Override
        public String toString() {
            return "approved, pending, rejected, cancelled";
        }
    }
}
