package io.attribution.query.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one instance answered from its own stores for some partitions: an answer or the reason
 * there is none, per partition. Also the body of a {@code X-Query-Scope: local} response:
 * <pre>{"host":"10.0.0.7:8090","partitions":{"0":{...},"3":{...}},"unavailable":{"5":"NOT_PRESENT"}}</pre>
 */
public final class InstanceReply {

    private final SortedMap<Integer, JsonNode> answers;
    private final SortedMap<Integer, String> unavailable;

    public InstanceReply(Map<Integer, JsonNode> answers, Map<Integer, String> unavailable) {
        this.answers = Collections.unmodifiableSortedMap(new TreeMap<>(answers));
        this.unavailable = Collections.unmodifiableSortedMap(new TreeMap<>(unavailable));
    }

    public SortedMap<Integer, JsonNode> answers() {
        return answers;
    }

    /** Partition to reason code ({@code NOT_PRESENT}, {@code MIGRATED}, {@code NOT_RUNNING}...). */
    public SortedMap<Integer, String> unavailable() {
        return unavailable;
    }

    public ObjectNode toJson(String host) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("host", host);
        ObjectNode partitions = body.putObject("partitions");
        answers.forEach((partition, answer) -> partitions.set(partition.toString(), answer));
        ObjectNode reasons = body.putObject("unavailable");
        unavailable.forEach((partition, reason) -> reasons.put(partition.toString(), reason));
        return body;
    }

    /** @throws IllegalArgumentException when {@code body} is not in the shape {@link #toJson} writes */
    public static InstanceReply fromJson(JsonNode body) {
        if (body == null || !body.path("partitions").isObject() || !body.path("unavailable").isObject()) {
            throw new IllegalArgumentException("not a partition answer: expected \"partitions\" and \"unavailable\" objects");
        }
        Map<Integer, JsonNode> answers = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : body.get("partitions").properties()) {
            answers.put(partition(entry.getKey()), entry.getValue());
        }
        Map<Integer, String> unavailable = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : body.get("unavailable").properties()) {
            unavailable.put(partition(entry.getKey()), entry.getValue().asText());
        }
        return new InstanceReply(answers, unavailable);
    }

    private static int partition(String name) {
        try {
            int partition = Integer.parseInt(name);
            if (partition >= 0) {
                return partition;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("not a partition number: " + name);
    }
}
