package io.attribution.topology;

import io.attribution.avro.AttributedConversion;
import io.attribution.avro.RawPostback;

import java.util.List;
import java.util.Map;

import static io.attribution.postback.PostbackParameters.utf8Length;

/**
 * Over-estimates of the Avro size of what state holds, from text lengths alone (nothing is
 * serialized): every text counts its UTF-8 bytes plus a length prefix, every other field its
 * widest encoding. {@code StateBoundsTest} checks they stay above the real size.
 */
final class StateSize {

    /** A length prefix (zig-zag varint) of any text under 2^34 bytes, or a map or array block count. */
    private static final int PREFIX = 5;
    /** Three decimals (18 digits: 8 bytes, and a union index), two timestamps, three enums with their union indexes. */
    private static final int FIXED_FIELDS_OF_A_CONVERSION = 3 * (PREFIX + 9) + 2 * 10 + 3 * 2;

    private StateSize() {
    }

    static int of(AttributedConversion conversion) {
        return FIXED_FIELDS_OF_A_CONVERSION
                + text(conversion.getConversionId()) + text(conversion.getRequestId()) + text(conversion.getClickId())
                + text(conversion.getCampaignId()) + text(conversion.getAdvertiserId())
                + text(conversion.getAffiliateId()) + text(conversion.getGoalId()) + text(conversion.getGoalValue())
                + text(conversion.getTxnId()) + text(conversion.getCurrency())
                + map(conversion.getSubs()) + map(conversion.getParams());
    }

    static int of(RawPostback postback) {
        int size = 8 + 10 * PREFIX;
        for (String text : new String[] {postback.getRequestId(), postback.getClickId(), postback.getMethod(),
                postback.getContentType(), postback.getRemoteAddr(), postback.getForwardedFor(),
                postback.getUserAgent(), postback.getClientIp(), postback.getAuthenticatedCampaignId(),
                postback.getEdgeRejectionDetail()}) {
            size += text(text);
        }
        return size + multiMap(postback.getQueryParams()) + multiMap(postback.getBodyParams());
    }

    static int text(String text) {
        return text == null ? 1 : PREFIX + utf8Length(text);
    }

    private static int map(Map<String, String> map) {
        int size = 2 * PREFIX;
        for (Map.Entry<String, String> entry : map.entrySet()) {
            size += text(entry.getKey()) + text(entry.getValue());
        }
        return size;
    }

    private static int multiMap(Map<String, List<String>> map) {
        int size = 2 * PREFIX;
        for (Map.Entry<String, List<String>> entry : map.entrySet()) {
            size += text(entry.getKey()) + 2 * PREFIX;
            for (String value : entry.getValue()) {
                size += text(value);
            }
        }
        return size;
    }
}
