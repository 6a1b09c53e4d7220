package io.attribution.bench;

/**
 * One round of the ingest throughput benchmark.
 *
 * @param server "T" (the trivial server), "I" (ingest) or "check" (the one-connection check that ingest
 *               accepts the benchmark postback, made before the first round)
 */
record IngestRound(String server, boolean warmup, PostbackLoad.Result result) {
}
