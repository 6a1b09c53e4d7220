package io.attribution.topology;

import io.attribution.avro.RawPostback;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A postback travels inside what the topology writes (a rejection, a candidate, a postback
 * waiting for its click): it must stay far below what a broker takes in one record, however large
 * the record it came in. Ingest never writes one near the bound (its parameters are bounded, and
 * its request headers); another producer may.
 */
final class CarriedPostback {

    /** Several times what ingest can write: its parameters (4 KiB) and request headers (8 KiB). */
    static final int MAX_BYTES = 64 * 1024;
    private static final int KEPT_VALUES = 64;
    private static final int KEPT_PARAMETER_CHARS = 64;
    private static final int KEPT_TEXT_CHARS = 256;

    private CarriedPostback() {
    }

    /** A copy within {@link #MAX_BYTES}: the first parameter values, and every text, cut short. */
    static RawPostback cutShort(RawPostback postback) {
        List<Map.Entry<String, List<String>>> kept = firstValues(
                Stream.concat(postback.getQueryParams().entrySet().stream(), postback.getBodyParams().entrySet().stream()));
        int inQuery = Math.min(kept.size(), postback.getQueryParams().size());
        return RawPostback.newBuilder(postback)
                .setClickId(cut(postback.getClickId(), KEPT_TEXT_CHARS))
                .setRequestId(cut(postback.getRequestId(), KEPT_TEXT_CHARS))
                .setMethod(cut(postback.getMethod(), KEPT_TEXT_CHARS))
                .setContentType(cut(postback.getContentType(), KEPT_TEXT_CHARS))
                .setRemoteAddr(cut(postback.getRemoteAddr(), KEPT_TEXT_CHARS))
                .setForwardedFor(cut(postback.getForwardedFor(), KEPT_TEXT_CHARS))
                .setUserAgent(cut(postback.getUserAgent(), KEPT_TEXT_CHARS))
                .setClientIp(cut(postback.getClientIp(), KEPT_TEXT_CHARS))
                .setAuthenticatedCampaignId(cut(postback.getAuthenticatedCampaignId(), KEPT_TEXT_CHARS))
                .setEdgeRejectionDetail(cut(postback.getEdgeRejectionDetail(), KEPT_TEXT_CHARS))
                .setQueryParams(asMap(kept.subList(0, inQuery)))
                .setBodyParams(asMap(kept.subList(inQuery, kept.size())))
                .build();
    }

    /** The parameters holding the first {@link #KEPT_VALUES} values (a name without any counts one), cut short. */
    private static List<Map.Entry<String, List<String>>> firstValues(Stream<Map.Entry<String, List<String>>> params) {
        List<Map.Entry<String, List<String>>> kept = new ArrayList<>();
        int values = 0;
        for (Iterator<Map.Entry<String, List<String>>> it = params.iterator(); it.hasNext() && values < KEPT_VALUES; ) {
            Map.Entry<String, List<String>> parameter = it.next();
            List<String> cut = parameter.getValue().stream().limit(KEPT_VALUES - values)
                    .map(value -> cut(value, KEPT_PARAMETER_CHARS)).toList();
            values += Math.max(1, cut.size());
            kept.add(Map.entry(cut(parameter.getKey(), KEPT_PARAMETER_CHARS), cut));
        }
        return kept;
    }

    /** Names cut short may collide: the first keeps its place. */
    private static Map<String, List<String>> asMap(List<Map.Entry<String, List<String>>> params) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        params.forEach(parameter -> map.putIfAbsent(parameter.getKey(), parameter.getValue()));
        return map;
    }

    private static String cut(String text, int chars) {
        return text == null || text.length() <= chars ? text : text.substring(0, chars);
    }
}
