package io.attribution.ingest;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** click_ids: 128 random bits, URL-safe as they are, never the same twice. */
class ClickIdsTest {

    @Test
    void aClickIdIs22UrlSafeCharactersHolding16Bytes() {
        for (int i = 0; i < 1_000; i++) {
            String id = ClickIds.next();
            assertThat(id).hasSize(ClickIds.LENGTH).matches("[A-Za-z0-9_-]{22}");
            assertThat(Base64.getUrlDecoder().decode(id)).hasSize(16);
        }
    }

    @Test
    void clickIdsFromManyThreadsAreAllDifferent() {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 200_000).parallel().forEach(i -> ids.add(ClickIds.next()));

        assertThat(ids).hasSize(200_000);
    }

    @Test
    void everyBitVaries() {
        // A stuck bit (a constant version nibble, a zeroed byte) would show as a bit never set or never clear.
        Set<Integer> setBits = new HashSet<>();
        Set<Integer> clearBits = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = Base64.getUrlDecoder().decode(ClickIds.next());
            for (int bit = 0; bit < 128; bit++) {
                ((bytes[bit / 8] >> (bit % 8) & 1) == 1 ? setBits : clearBits).add(bit);
            }
        }
        assertThat(setBits).hasSize(128);
        assertThat(clearBits).hasSize(128);
    }
}
