package io.attribution.topology;

import io.attribution.avro.PostbackFate;
import org.apache.kafka.streams.state.WindowStore;

/** The fate of every decided postback by its request id, for {@link QueryStores#LOG_RETENTION}. */
final class PostbackLog {

    private final WindowStore<String, PostbackFate> store;

    PostbackLog(WindowStore<String, PostbackFate> store) {
        this.store = store;
    }

    void decided(PostbackFate fate) {
        store.put(fate.getRequestId(), fate, fate.getDecidedAt().toEpochMilli());
    }
}
