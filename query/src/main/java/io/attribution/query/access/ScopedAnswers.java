package io.attribution.query.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.attribution.query.endpoints.NotFound;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a scoped token (an advertiser's, an affiliate's) may ask and see. The API's questions come
 * in two kinds: about a subject named in the path (a campaign's stats or rejections, an
 * affiliate's stats), checked before anything is read ({@link #admit}: 403 when not the
 * token's), and about things found by id (a click, a postback, a txn id), filtered once found
 * ({@link #restrict}: what is not the token's is as unknown, 404, or left out of a list).
 *
 * <ul>
 *   <li>An advertiser owns the campaigns whose {@code advertiser_id} is its id, and everything
 *       filed under them: their stats, clicks, conversions, rejections and postbacks with their
 *       raw parameters and token digests (its own).</li>
 *   <li>An affiliate owns its stats ({@code /stats/affiliates/{its id}}, and its sub1 breakdown on
 *       any campaign, {@code /stats/sub1/{campaign_id}/{its id}}) and the clicks,
 *       conversions and rejections carrying its {@code affiliate_id}, without what the
 *       advertiser sent: a conversion's {@code params} and {@code revenue} (the network's
 *       margin), a rejection's raw {@code postback}. A postback still waiting for its click has
 *       no affiliate yet: an affiliate never sees one.</li>
 * </ul>
 * A path this class does not know is refused to every scope but {@code all}: a new endpoint is
 * closed until its rule is written here.
 */
public final class ScopedAnswers {

    private ScopedAnswers() {
    }

    /**
     * @param servletPath the endpoint's path, e.g. {@code /stats/campaigns}
     * @param pathInfo    what follows it, e.g. {@code /camp-1}
     * @throws Forbidden  the subject is not the token's
     */
    public static void admit(String servletPath, String pathInfo, AccessScope scope, CampaignOwners owners)
            throws Forbidden {
        if (scope.isAll()) {
            return;
        }
        List<String> segments = segments(pathInfo);
        String subject = segments.isEmpty() ? "" : segments.get(0);
        switch (servletPath) {
            case "/stats/campaigns", "/stats/goals" -> {
                if (scope.kind() == AccessScope.Kind.AFFILIATE) {
                    throw new Forbidden("an affiliate's token reads its own stats: /stats/affiliates/" + scope.id());
                }
                requireOwned(subject, scope, owners);
            }
            case "/stats/affiliates" -> {
                if (scope.kind() != AccessScope.Kind.AFFILIATE || !scope.id().equals(subject)) {
                    throw new Forbidden("the stats of affiliate '" + subject + "' are not open to the token's scope ("
                            + scope + ")");
                }
            }
            case "/stats/sub1" -> {
                // /{campaign_id}/{affiliate_id}: the campaign's advertiser, or that affiliate on any campaign.
                if (scope.kind() == AccessScope.Kind.AFFILIATE) {
                    String affiliate = segments.size() > 1 ? segments.get(1) : "";
                    if (!scope.id().equals(affiliate)) {
                        throw new Forbidden("the sub1 breakdown of affiliate '" + affiliate
                                + "' is not open to the token's scope (" + scope + ")");
                    }
                } else {
                    requireOwned(subject, scope, owners);
                }
            }
            case "/campaigns" -> {
                // An affiliate may list a campaign's rejections: it sees only its own rows.
                if (scope.kind() == AccessScope.Kind.ADVERTISER) {
                    requireOwned(subject, scope, owners);
                }
            }
            case "/clicks", "/conversions", "/postbacks" -> {
                // Found by id: filtered by restrict().
            }
            default -> throw new Forbidden(servletPath + " is open to tokens of scope all only");
        }
    }

    private static void requireOwned(String campaignId, AccessScope scope, CampaignOwners owners) throws Forbidden {
        if (!owns(scope, owners, campaignId)) {
            throw new Forbidden("campaign '" + campaignId + "' is not one of advertiser '" + scope.id() + "'");
        }
    }

    /**
     * The merged answer as the token's scope may see it.
     *
     * @throws NotFound the one thing asked for (a click, a postback's fate, a txn id's conversions)
     *                  is not the token's: answered as if unknown
     */
    public static ObjectNode restrict(ObjectNode body, AccessScope scope, CampaignOwners owners) throws NotFound {
        if (scope.isAll()) {
            return body;
        }
        if (body.has("click") && !visible(body.get("click"), Entity.CLICK, scope, owners)) {
            throw new NotFound("no click " + body.path("click_id").asText());
        }
        for (String single : new String[] {"conversion", "rejection"}) {
            if (body.has(single)) {
                Entity entity = single.equals("conversion") ? Entity.CONVERSION : Entity.REJECTION;
                if (!visible(body.get(single), entity, scope, owners)) {
                    throw new NotFound("no postback " + body.path("request_id").asText());
                }
                strip((ObjectNode) body.get(single), entity, scope);
            }
        }
        if (body.has("postback") && !pendingVisible(body.get("postback"), scope, owners)) {
            throw new NotFound("no postback " + body.path("request_id").asText());
        }
        if (scope.kind() == AccessScope.Kind.AFFILIATE) {
            withoutRevenue(body);
        }
        filter(body, "conversions", Entity.CONVERSION, scope, owners);
        filter(body, "rejections", Entity.REJECTION, scope, owners);
        if (body.has("txn_id") && body.path("conversions").isEmpty()) {
            throw new NotFound("no conversion with txn_id " + body.get("txn_id").asText());
        }
        return body;
    }

    private enum Entity { CLICK, CONVERSION, REJECTION }

    private static void filter(ObjectNode body, String field, Entity entity, AccessScope scope, CampaignOwners owners) {
        if (!(body.get(field) instanceof ArrayNode list)) {
            return;
        }
        ArrayNode kept = list.arrayNode();
        for (JsonNode item : list) {
            if (visible(item, entity, scope, owners)) {
                strip((ObjectNode) item, entity, scope);
                kept.add(item);
            }
        }
        body.set(field, kept);
    }

    private static boolean visible(JsonNode item, Entity entity, AccessScope scope, CampaignOwners owners) {
        if (scope.kind() == AccessScope.Kind.AFFILIATE) {
            return scope.id().equals(item.path("affiliate_id").asText(null));
        }
        if (entity == Entity.CONVERSION) {
            return scope.id().equals(item.path("advertiser_id").asText(null));
        }
        return owns(scope, owners, item.path("campaign_id").asText(null));
    }

    /** A postback waiting for its click: its advertiser's if authenticated for, or naming, one of its campaigns. */
    private static boolean pendingVisible(JsonNode postback, AccessScope scope, CampaignOwners owners) {
        if (scope.kind() != AccessScope.Kind.ADVERTISER) {
            return false;
        }
        String campaign = Optional.ofNullable(postback.path("authenticated_campaign_id").asText(null))
                .or(() -> first(postback.path("query_params").path("campaign_id")))
                .or(() -> first(postback.path("body_params").path("campaign_id")))
                .orElse(null);
        return owns(scope, owners, campaign);
    }

    private static Optional<String> first(JsonNode values) {
        return values.isArray() && !values.isEmpty() ? Optional.of(values.get(0).asText()) : Optional.empty();
    }

    private static void strip(ObjectNode item, Entity entity, AccessScope scope) {
        if (scope.kind() != AccessScope.Kind.AFFILIATE) {
            return;
        }
        if (entity == Entity.CONVERSION) {
            item.remove(List.of("params", "revenue"));
        } else if (entity == Entity.REJECTION) {
            item.remove("postback");
        }
    }

    /**
     * Stats answers (totals, buckets, the sub1 breakdown) without {@code revenue}: what the
     * advertiser pays the network is not the affiliate's to see, in sums no more than per conversion.
     */
    private static void withoutRevenue(ObjectNode body) {
        for (String totals : new String[] {"total", "rest", "no_sub1"}) {
            if (body.get(totals) instanceof ObjectNode sums) {
                sums.remove("revenue");
            }
        }
        for (String rows : new String[] {"buckets", "subs"}) {
            if (body.get(rows) instanceof ArrayNode list) {
                list.forEach(row -> {
                    if (row instanceof ObjectNode sums) {
                        sums.remove("revenue");
                    }
                });
            }
        }
    }

    private static boolean owns(AccessScope scope, CampaignOwners owners, String campaignId) {
        return scope.kind() == AccessScope.Kind.ADVERTISER && campaignId != null
                && owners.advertiserOf(campaignId).filter(scope.id()::equals).isPresent();
    }

    private static List<String> segments(String pathInfo) {
        if (pathInfo == null || pathInfo.equals("/")) {
            return List.of();
        }
        return Arrays.asList(pathInfo.substring(1).split("/", -1));
    }
}
