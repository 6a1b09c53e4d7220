package io.attribution.bench;

import io.attribution.avro.RawPostback;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The postbacks the benchmarks send, as ingest writes them. */
final class BenchPostbacks {

    private BenchPostbacks() {
    }

    /**
     * The j-th postback of a run or round whose request ids and txn ids start with {@code prefix}: an install,
     * or a purchase of 49.90 USD; its own txn id either way.
     */
    static RawPostback of(String prefix, int j, String clickId, boolean purchase, Instant at) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("click_id", List.of(clickId));
        query.put("txn_id", List.of(prefix + "-order-" + j));
        if (purchase) {
            query.put("goal_value", List.of("purchase"));
            query.put("sale_amount", List.of("49.90"));
            query.put("currency", List.of("USD"));
        } else {
            query.put("goal_value", List.of("install"));
        }
        query.put("sub1", List.of("adv-sub-" + (j % 11)));
        return RawPostback.newBuilder()
                .setRequestId(prefix + "-request-" + j)
                .setReceivedAt(at)
                .setClickId(clickId)
                .setMethod("GET")
                .setQueryParams(query)
                .setBodyParams(Map.of())
                .setRemoteAddr("203.0.113.9")
                .setUserAgent("advertiser-server/1.0")
                .build();
    }
}
