package io.attribution.query.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import io.attribution.avro.AttributedConversion;
import io.attribution.avro.ClickConversions;
import io.attribution.avro.ConversionStatus;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** A view that dropped older conversions to keep within its bound says so, across partitions too. */
class ConversionListTest {

    @Test
    void aTruncatedViewSaysSoAndAWholeOneSaysNothing() {
        ClickConversions whole = new ClickConversions(List.of(conversion("c-1", "adv-1")), Map.of(), false);
        ClickConversions truncated = new ClickConversions(List.of(conversion("c-2", "adv-2")), Map.of(), true);

        JsonNode wholeList = ConversionList.of(filings(whole), c -> true);
        JsonNode merged = ConversionList.concat(List.of(wholeList, ConversionList.of(filings(truncated), c -> true)));

        assertThat(wholeList.has("truncated")).isFalse();
        assertThat(merged.get("truncated").asBoolean()).isTrue();
        assertThat(merged.get("conversions")).extracting(node -> node.get("click_id").asText())
                .containsExactly("c-1", "c-2");
    }

    @Test
    void onlyTheWantedConversionsAreListed() {
        ClickConversions view = new ClickConversions(List.of(conversion("c-1", "adv-1"), conversion("c-2", "adv-2")),
                Map.of(), false);

        JsonNode list = ConversionList.of(filings(view), c -> c.getAdvertiserId().equals("adv-2"));

        assertThat(list.get("conversions")).extracting(node -> node.get("click_id").asText()).containsExactly("c-2");
    }

    @Test
    void theFilingsOfOneKeyAreListedTogetherEachConversionOnceAtItsLaterFiling() {
        AttributedConversion pending = AttributedConversion.newBuilder(conversion("c-1", "adv-1"))
                .setStatus(ConversionStatus.PENDING).build();
        ClickConversions older = new ClickConversions(List.of(pending, conversion("c-2", "adv-1")), Map.of(), true);
        ClickConversions newer = new ClickConversions(List.of(conversion("c-1", "adv-1"), conversion("c-3", "adv-1")),
                Map.of(), false);

        JsonNode list = ConversionList.of(new ConversionFilings(List.of(older, newer), false), c -> true);

        assertThat(list.get("conversions")).extracting(node -> node.get("click_id").asText(),
                        node -> node.get("status").asText())
                .containsExactly(tuple("c-2", "APPROVED"), tuple("c-1", "APPROVED"), tuple("c-3", "APPROVED"));
        assertThat(list.get("truncated").asBoolean()).isTrue();
        assertThat(ConversionList.of(new ConversionFilings(List.of(), false), c -> true).get("conversions")).isEmpty();
    }

    @Test
    void filingsLeftUnreadMakeTheListTruncated() {
        ClickConversions whole = new ClickConversions(List.of(conversion("c-1", "adv-1")), Map.of(), false);

        JsonNode list = ConversionList.of(new ConversionFilings(List.of(whole), true), c -> true);

        assertThat(list.get("truncated").asBoolean()).isTrue();
        assertThat(list.get("conversions")).hasSize(1);
    }

    private static ConversionFilings filings(ClickConversions filing) {
        return new ConversionFilings(List.of(filing), false);
    }

    private static AttributedConversion conversion(String clickId, String advertiserId) {
        return AttributedConversion.newBuilder().setConversionId("id-" + clickId).setRequestId("id-" + clickId)
                .setClickId(clickId).setCampaignId("camp").setAdvertiserId(advertiserId).setAffiliateId("aff")
                .setGoalId("g").setGoalValue("goal").setStatus(ConversionStatus.APPROVED)
                .setRevenue(BigDecimal.ONE).setPayout(BigDecimal.ONE).setCurrency("USD")
                .setClickedAt(Instant.EPOCH).setConvertedAt(Instant.EPOCH).build();
    }
}
