package io.attribution.connect.postbacks;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostbackTemplateTest {

    static Conversion conversion() {
        Map<String, String> subs = new HashMap<>();
        for (int i = 1; i <= 15; i++) {
            subs.put("sub" + i, "s" + i);
        }
        subs.put("sub1", "a b&c=d/é+?#%");
        return new Conversion("conv-1", "click 1/2", "camp-9", "aff-42", "goal-7", "first purchase", "order#1",
                "APPROVED", null, new BigDecimal("4.500000"), "USD", subs);
    }

    @Test
    void getFillsEveryMacroWithItsValueUrlEncoded() {
        PostbackTemplate template = PostbackTemplate.parse("https://aff.example/pb/{affiliate_id}?click={click_id}"
                + "&conv={conversion_id}&txn={txn_id}&goal={goal}&gid={goal_id}&payout={payout}&cur={currency}"
                + "&status={status}&camp={campaign_id}&s1={sub1}&s15={sub15}&prev={previous_status}",
                PostbackTemplate.Method.GET);

        PostbackTemplate.Request request = template.render(conversion());

        assertThat(request.method()).isEqualTo(PostbackTemplate.Method.GET);
        assertThat(request.formBody()).isNull();
        assertThat(request.uri().toString()).isEqualTo("https://aff.example/pb/aff-42?click=click%201%2F2"
                + "&conv=conv-1&txn=order%231&goal=first%20purchase&gid=goal-7&payout=4.50&cur=USD&status=approved"
                + "&camp=camp-9&s1=a%20b%26c%3Dd%2F%C3%A9%2B%3F%23%25&s15=s15&prev=");
        Map<String, String> query = decode(request.uri().getRawQuery());
        assertThat(query).containsEntry("click", "click 1/2").containsEntry("s1", "a b&c=d/é+?#%")
                .containsEntry("txn", "order#1");
    }

    @Test
    void postSendsTheFilledQueryParametersAsAFormBodyToTheUrlWithoutItsQuery() {
        PostbackTemplate template = PostbackTemplate.parse(
                "http://aff.example:8080/post/{campaign_id}?click={click_id}&amount={payout}&fixed=1&s1={sub1}",
                PostbackTemplate.Method.POST);

        PostbackTemplate.Request request = template.render(conversion());

        assertThat(request.uri().toString()).isEqualTo("http://aff.example:8080/post/camp-9");
        assertThat(request.formBody()).isEqualTo("click=click%201%2F2&amount=4.50&fixed=1&s1=a%20b%26c%3Dd%2F%C3%A9%2B%3F%23%25");
        assertThat(decode(request.formBody())).containsEntry("s1", "a b&c=d/é+?#%").containsEntry("fixed", "1");
    }

    @Test
    void missingValuesAreEmpty() {
        Conversion bare = new Conversion("conv-1", "click-1", "camp-1", "aff-1", "g", "g", null, "PENDING", null,
                null, "USD", Map.of());

        assertThat(PostbackTemplate.parse("https://a.example/?txn={txn_id}&s3={sub3}&p={payout}&st={status}",
                PostbackTemplate.Method.GET).render(bare).uri().toString())
                .isEqualTo("https://a.example/?txn=&s3=&p=&st=pending");
    }

    @Test
    void statusUpdatesTellThePreviousStatus() {
        Conversion reversal = new Conversion("conv-1", "click-1", "camp-1", "aff-1", "g", "g", "t", "REJECTED",
                "APPROVED", BigDecimal.TEN, "EUR", Map.of());

        assertThat(PostbackTemplate.parse("https://a.example/?st={status}&was={previous_status}&p={payout}",
                PostbackTemplate.Method.GET).render(reversal).uri().getQuery()).isEqualTo("st=rejected&was=approved&p=10.00");
    }

    @Test
    void payoutIsWrittenInTheCurrencysMinorUnit() {
        assertThat(payout("4.500000", "USD")).isEqualTo("4.50");
        assertThat(payout("5", "USD")).isEqualTo("5.00");
        assertThat(payout("450.000000", "JPY")).isEqualTo("450");
        assertThat(payout("1.234000", "BHD")).isEqualTo("1.234");
        assertThat(payout("1.230000", "XYZ")).isEqualTo("1.23");
        assertThat(payout("0.000000", "EUR")).isEqualTo("0.00");
    }

    private static String payout(String amount, String currency) {
        return new Conversion("c", "k", "p", "a", "g", "g", null, "APPROVED", null, new BigDecimal(amount), currency,
                Map.of()).payoutText();
    }

    @Test
    void unknownMacrosAreRefusedWithTheListOfKnownOnes() {
        assertThatThrownBy(() -> PostbackTemplate.parse("https://a.example/?c={clickid}", PostbackTemplate.Method.GET))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown macro {clickid}")
                .hasMessageContaining("{click_id}").hasMessageContaining("{sub15}");
        assertThatThrownBy(() -> PostbackTemplate.parse("https://a.example/?c={sub16}", PostbackTemplate.Method.POST))
                .hasMessageContaining("unknown macro {sub16}");
        assertThatThrownBy(() -> PostbackTemplate.parse("https://a.example/{sub0}", PostbackTemplate.Method.POST))
                .hasMessageContaining("unknown macro {sub0}");
    }

    @Test
    void unclosedBracesAndUrlsThatAreNotHttpAreRefused() {
        assertThatThrownBy(() -> PostbackTemplate.parse("https://a.example/?c={click_id", PostbackTemplate.Method.GET))
                .hasMessageContaining("never closed");
        assertThatThrownBy(() -> PostbackTemplate.parse("ftp://a.example/{click_id}", PostbackTemplate.Method.GET))
                .hasMessageContaining("http");
        assertThatThrownBy(() -> PostbackTemplate.parse("/postback?c={click_id}", PostbackTemplate.Method.GET))
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> PostbackTemplate.parse("https://a.example/a b", PostbackTemplate.Method.GET))
                .hasMessageContaining("not a valid URL");
        assertThatThrownBy(() -> PostbackTemplate.parse("https://a.example/?=x", PostbackTemplate.Method.POST))
                .hasMessageContaining("without a name");
        assertThatThrownBy(() -> PostbackTemplate.parse(" ", PostbackTemplate.Method.GET))
                .hasMessageContaining("empty");
    }

    @Test
    void encodingKeepsOnlyUnreservedCharacters() {
        assertThat(Macros.encode("AZaz09-._~")).isEqualTo("AZaz09-._~");
        assertThat(Macros.encode(" *+'!()")).isEqualTo("%20%2A%2B%27%21%28%29");
        assertThat(Macros.encode("日本")).isEqualTo("%E6%97%A5%E6%9C%AC");
    }

    static Map<String, String> decode(String query) {
        Map<String, String> decoded = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            decoded.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return decoded;
    }
}
