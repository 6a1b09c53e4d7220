package io.attribution.bench;

/**
 * One round of the ingest throughput benchmark.
 *
 * @param server {@link #TRIVIAL}, {@link #DURABLE} or {@link #INGEST}
 */
record IngestRound(String server, boolean warmup, PostbackLoad.Result result) {

    /** The servlet that answers 200 at once. */
    static final String TRIVIAL = "trivial";
    /** The servlet that sends pre-serialized bytes and answers after the ack. */
    static final String DURABLE = "durable";
    /** The real ingest server. */
    static final String INGEST = "ingest";
}
