package io.attribution.connect.postbacks;

import java.util.Set;

/**
 * One affiliate's postback settings.
 *
 * @param statuses the conversion statuses (upper case) the affiliate is told about
 * @param updates  whether a status change of a conversion the affiliate was already told about fires again
 *                 (reversals, chargebacks)
 */
record AffiliatePostback(String affiliateId, PostbackTemplate template, Set<String> statuses, boolean updates) {

    /**
     * Whether this conversion record fires the postback. A new conversion fires when its status is one the affiliate
     * asked for. A status update fires when the affiliate was told about the conversion before (its previous status
     * is one they asked for) and they asked for updates; an update into a status they asked for, from one they did
     * not (pending to approved, when only approved ones are wanted), is the first they hear of it and fires as a
     * conversion.
     */
    boolean fires(Conversion conversion) {
        if (!conversion.isStatusUpdate()) {
            return statuses.contains(conversion.status());
        }
        if (statuses.contains(conversion.previousStatus())) {
            return updates;
        }
        return statuses.contains(conversion.status());
    }
}
