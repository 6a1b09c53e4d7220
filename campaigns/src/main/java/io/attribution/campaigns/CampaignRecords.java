package io.attribution.campaigns;

import io.attribution.avro.Campaign;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads a record of the campaigns topic as its bytes came, for every process that follows the
 * topic: a record that cannot be read or breaks a {@link CampaignRules rule} is named as such,
 * never thrown, so that one bad record written by anyone cannot stop a reader.
 */
public final class CampaignRecords {

    /** Why a record was not taken in. */
    public enum Problem {
        /** The key is missing or not UTF-8. */
        BAD_KEY,
        /** The value is not a campaign the registry can describe (garbage, an unknown schema, another type). */
        UNREADABLE,
        /** A campaign that breaks a rule, or whose key is not its campaign_id. */
        INVALID,
        /** The registry did not answer for long enough that the reader gave up on the record. */
        REGISTRY_UNAVAILABLE
    }

    /** What a record says. */
    public sealed interface Decoded permits Readable, Removed, Unreadable, RegistryUnreachable {
    }

    /** A valid campaign, to put under its id. */
    public record Readable(String campaignId, Campaign campaign) implements Decoded {
    }

    /** A tombstone: the campaign is deleted. */
    public record Removed(String campaignId) implements Decoded {
    }

    /**
     * A record no reader will ever take in; the last good version of its campaign stays in force.
     *
     * @param campaignId the key, when it could be read
     * @param failure    what the deserializer threw, when it threw
     */
    public record Unreadable(Optional<String> campaignId, Problem problem, String detail, Throwable failure)
            implements Decoded {
    }

    /** The registry could not be asked: the same record may read fine later. */
    public record RegistryUnreachable(Throwable failure) implements Decoded {
    }

    private final Deserializer<Campaign> values;

    /** @param values the registry deserializer of {@code Campaign} (or plain Avro in tests) */
    public CampaignRecords(Deserializer<Campaign> values) {
        this.values = values;
    }

    public Decoded decode(String topic, Headers headers, byte[] key, byte[] value) {
        Optional<String> campaignId = utf8(key);
        if (campaignId.isEmpty()) {
            return new Unreadable(Optional.empty(), Problem.BAD_KEY,
                    key == null ? "the record has no key" : "the key is not UTF-8", null);
        }
        if (value == null) {
            return new Removed(campaignId.get());
        }
        Campaign campaign;
        try {
            campaign = values.deserialize(topic, headers, value);
        } catch (RuntimeException e) {
            if (RegistryFailures.isTransient(e)) {
                return new RegistryUnreachable(e);
            }
            return new Unreadable(campaignId, Problem.UNREADABLE, "not a readable campaign: " + rootMessage(e), e);
        }
        if (!campaignId.get().equals(campaign.getCampaignId())) {
            return new Unreadable(campaignId, Problem.INVALID,
                    "the key is not the campaign_id '" + campaign.getCampaignId() + "'", null);
        }
        return CampaignRules.violation(campaign)
                .<Decoded>map(broken -> new Unreadable(campaignId, Problem.INVALID,
                        broken.field() + ": " + broken.message(), null))
                .orElseGet(() -> new Readable(campaignId.get(), campaign));
    }

    private static Optional<String> utf8(byte[] key) {
        if (key == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(key)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
