package io.attribution.ingest;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RefusalRecordsTest {

    @Test
    void smallParametersAreKeptAsSent() {
        Map<String, List<String>> params = Map.of("click_id", List.of("c1"), "sub2", List.of("a", "b"));

        assertThat(new RefusalRecords().keep(params)).isEqualTo(params);
    }

    @Test
    void longValuesAreCutAndTheTotalIsBoundedAcrossQueryAndBody() {
        RefusalRecords bounds = new RefusalRecords();
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("huge", List.of("x".repeat(100_000)));
        query.put("next", List.of("y".repeat(2_000)));
        Map<String, List<String>> body = new LinkedHashMap<>();
        for (int i = 0; i < 1_000; i++) {
            body.put("p" + i, List.of("v"));
        }

        Map<String, List<String>> keptQuery = bounds.keep(query);
        Map<String, List<String>> keptBody = bounds.keep(body);

        assertThat(keptQuery.get("huge").get(0)).hasSize(1024).endsWith(RefusalRecords.CUT);
        assertThat(keptQuery.get("next").get(0)).hasSize(1024);
        int total = chars(keptQuery) + chars(keptBody);
        assertThat(total).isLessThanOrEqualTo(4096);
        assertThat(keptQuery.size() + keptBody.size()).isLessThanOrEqualTo(64);
    }

    @Test
    void textsAreCutToTheirBound() {
        assertThat(RefusalRecords.text("a".repeat(300), 256)).hasSize(256).endsWith(RefusalRecords.CUT);
        assertThat(RefusalRecords.text("short", 256)).isEqualTo("short");
        assertThat(RefusalRecords.text(null, 256)).isNull();
    }

    @Test
    void textsAreWhatUtf8StoresSoThatAnswerAndRecordAgree() {
        assertThat(RefusalRecords.text("click_id has conflicting values [a, \ud800]", 256))
                .isEqualTo("click_id has conflicting values [a, ?]");
        String pairAtTheCut = "a".repeat(254) + "\ud83d\ude00" + "b";
        assertThat(RefusalRecords.text(pairAtTheCut, 256)).isEqualTo("a".repeat(254) + RefusalRecords.CUT);
    }

    private static int chars(Map<String, List<String>> params) {
        return params.entrySet().stream().mapToInt(e -> e.getValue().stream()
                .mapToInt(v -> e.getKey().length() + v.length()).sum()).sum();
    }
}
