package io.attribution.app;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static io.attribution.app.PipelineSettings.TOPOLOGY_GROUP_INSTANCE_ID;
import static io.attribution.app.PipelineSettings.TOPOLOGY_SESSION_TIMEOUT_MS;

/**
 * How a topology instance belongs to its consumer group. A static member (one with a
 * {@code group.instance.id}) that comes back after a crash takes its partitions back at once,
 * where a dynamic one waits for the dead member's session to expire and a rebalance: that wait
 * was most of a restart after {@code kill -9}. Two live instances must never share an id (the
 * broker fences the older one), so by default the id is kept in the instance's own state directory,
 * which Kafka Streams already locks to one process. The views application's members take the same
 * id with the suffix {@code -views} ({@code StreamsSettings.views}), so each application's members
 * have ids of their own, kept in the one file.
 */
final class GroupMembership {

    /** The value of {@link PipelineSettings#TOPOLOGY_GROUP_INSTANCE_ID} that asks for dynamic membership. */
    static final String DYNAMIC = "none";
    /** Where the id lives in the state directory. */
    static final String ID_FILE = "group-instance-id";

    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private GroupMembership() {
    }

    /** The Kafka Streams settings for the main consumers' membership. */
    static Map<String, String> overrides(PipelineSettings settings, Path stateDir) {
        Map<String, String> overrides = new LinkedHashMap<>();
        long sessionTimeout = settings.longInteger(TOPOLOGY_SESSION_TIMEOUT_MS, 6_000);
        overrides.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                String.valueOf(sessionTimeout));
        // Kafka's rule of thumb: three heartbeats per session, so one lost packet does not end it.
        overrides.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                String.valueOf(Math.max(1_000, sessionTimeout / 3)));
        String configured = settings.optional(TOPOLOGY_GROUP_INSTANCE_ID).map(String::trim).orElse("");
        if (configured.equals(DYNAMIC)) {
            return overrides;
        }
        String id = configured.isEmpty() ? keptIn(stateDir) : checked(configured);
        // Kafka Streams appends "-<thread index>" for each stream thread's consumer.
        overrides.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id);
        return overrides;
    }

    /** The id this state directory was given at its first start, or a new one written there now. */
    static String keptIn(Path stateDir) {
        Path file = stateDir.resolve(ID_FILE);
        try {
            if (Files.exists(file)) {
                String kept = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (VALID_ID.matcher(kept).matches()) {
                    return kept;
                }
            }
            Files.createDirectories(stateDir);
            String id = "topology-" + UUID.randomUUID();
            Path written = Files.writeString(Files.createTempFile(stateDir, ID_FILE, ".tmp"), id, StandardCharsets.UTF_8);
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the group instance id in " + file, e);
        }
    }

    private static String checked(String id) {
        if (!VALID_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(TOPOLOGY_GROUP_INSTANCE_ID + " must be 1-200 of A-Z a-z 0-9 . _ -, or '"
                    + DYNAMIC + "' for dynamic membership, was '" + id + "'");
        }
        return id;
    }
}
