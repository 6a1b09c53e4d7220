package io.attribution.query.protocol;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.streams.state.HostInfo;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The instance-to-instance protocol, both sides of it. A router asks another instance
 * {@code GET {path}?{query}&partitions=0,3,5} with {@code X-Query-Scope: local}; that instance
 * answers from its own stores only and never forwards, so a question crosses the network at most
 * once and two instances can never bounce it between them.
 */
public final class QueryProtocol {

    /** {@value #LOCAL}: answer from this instance's stores only, for the {@value #PARTITIONS} listed. */
    public static final String SCOPE_HEADER = "X-Query-Scope";
    public static final String LOCAL = "local";
    /**
     * With {@value #SCOPE_HEADER}: {@code true} (the default) refuses standby copies, {@code false}
     * accepts them; the asking router sends {@code false} only when covering for a failed active.
     */
    public static final String ACTIVE_ONLY_HEADER = "X-Query-Active-Only";
    /** Comma-separated partition numbers; reserved on every endpoint for local-scope requests. */
    public static final String PARTITIONS = "partitions";

    /** Partition numbers fit an int: nine digits keep parsing free of overflow. */
    private static final Pattern PARTITION_LIST = Pattern.compile("[0-9]{1,9}(,[0-9]{1,9})*");

    private QueryProtocol() {
    }

    /** True for a local-scope request; absent header means a client's question, to be routed. */
    public static boolean isLocal(HttpServletRequest request) throws BadParameter {
        String scope = request.getHeader(SCOPE_HEADER);
        if (scope == null) {
            return false;
        }
        if (scope.equals(LOCAL)) {
            return true;
        }
        throw new BadParameter(SCOPE_HEADER, "the only scope is \"" + LOCAL + "\"");
    }

    public static boolean activeOnly(HttpServletRequest request) throws BadParameter {
        String value = request.getHeader(ACTIVE_ONLY_HEADER);
        if (value == null || value.equals("true")) {
            return true;
        }
        if (value.equals("false")) {
            return false;
        }
        throw new BadParameter(ACTIVE_ONLY_HEADER, "expected true or false");
    }

    /** Reads {@value #PARTITIONS} strictly: one parameter, numbers only, each once. */
    public static Set<Integer> partitions(HttpServletRequest request) throws BadParameter {
        String[] values = request.getParameterValues(PARTITIONS);
        if (values == null) {
            throw new BadParameter(PARTITIONS, "required with " + SCOPE_HEADER + ": " + LOCAL);
        }
        if (values.length != 1) {
            throw new BadParameter(PARTITIONS, "give the parameter once, comma-separated");
        }
        if (!PARTITION_LIST.matcher(values[0]).matches()) {
            throw new BadParameter(PARTITIONS, "expected comma-separated partition numbers, e.g. 0,3,5");
        }
        Set<Integer> partitions = new TreeSet<>();
        for (String number : values[0].split(",")) {
            if (!partitions.add(Integer.parseInt(number))) {
                throw new BadParameter(PARTITIONS, "partition " + number + " is listed twice");
            }
        }
        return partitions;
    }

    static String partitionList(Collection<Integer> partitions) {
        return new TreeSet<>(partitions).stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** {@code host:port}, the way {@code application.server} spells an instance. */
    public static String name(HostInfo host) {
        return host.host() + ":" + host.port();
    }
}
