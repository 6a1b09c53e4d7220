package io.attribution.bench;

/**
 * The input of one round, written to the input topics just before it with ids of its own.
 *
 * @param idPrefix  makes this round's click ids, request ids and txn ids its own
 * @param clicks    clicks
 * @param postbacks postbacks, each for one of this round's clicks
 * @param clicksMix the clicks mix: blocks of clicks, each followed by one postback for a click of the block;
 *                  else the ordinary mix: all clicks (an hour older), then the postbacks spread over them
 */
record RoundInput(String idPrefix, int clicks, int postbacks, boolean clicksMix) {

    /** About {@code records} input records in the contender's mix. */
    static RoundInput sized(String idPrefix, long records, boolean clicksMix, BenchOptions options) {
        if (clicksMix) {
            int postbacks = (int) Math.max(1, records / (options.clicksPerPostback() + 1));
            return new RoundInput(idPrefix, postbacks * options.clicksPerPostback(), postbacks, true);
        }
        int clicks = (int) Math.max(1, records / (options.postbacksPerClick() + 1));
        return new RoundInput(idPrefix, clicks, clicks * options.postbacksPerClick(), false);
    }

    long records() {
        return (long) clicks + postbacks;
    }
}
