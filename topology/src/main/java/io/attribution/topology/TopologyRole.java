package io.attribution.topology;

import java.util.Locale;

/**
 * Which of the two Kafka Streams applications one process runs ({@code topology.role}): the
 * decisions (sub-topologies 0-2 and the campaign store, writing the output topics), the query views
 * that follow those topics, or both. Views can then scale, restart and fall behind on instances of
 * their own without taking a stream thread from a decision.
 */
public enum TopologyRole {
    DECISIONS, VIEWS, ALL;

    public boolean runsDecisions() {
        return this != VIEWS;
    }

    public boolean runsViews() {
        return this != DECISIONS;
    }

    /** The setting's spelling: {@code decisions}, {@code views}, {@code all}. */
    public String setting() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming {@code key} and the values it takes */
    public static TopologyRole parse(String key, String value) {
        for (TopologyRole role : values()) {
            if (role.setting().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return role;
            }
        }
        throw new IllegalArgumentException(key + " must be decisions, views or all, was '" + value + "'");
    }
}
