package io.attribution.bench;

/**
 * One round of the ingest throughput benchmark.
 *
 * @param server {@link #TRIVIAL}, {@link #DURABLE}, {@link #INGEST}, {@link #CLICK} or {@link #CLICK_NONE}
 */
record IngestRound(String server, boolean warmup, PostbackLoad.Result result) {

    /** The servlet that answers 200 at once. */
    static final String TRIVIAL = "trivial";
    /** The servlet that sends pre-serialized bytes and answers after the ack. */
    static final String DURABLE = "durable";
    /** The real ingest server. */
    static final String INGEST = "ingest";
    /** The real ingest server's {@code /click}, redirecting after the broker's ack. */
    static final String CLICK = "click";
    /** The real ingest server's {@code /click}, redirecting once the producer has the click. */
    static final String CLICK_NONE = "click-none";

    /** Whether the server gets {@code /click} requests (else postbacks). */
    static boolean isClick(String server) {
        return server.equals(CLICK) || server.equals(CLICK_NONE);
    }
}
