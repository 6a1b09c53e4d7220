package io.attribution.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What has to differ when the services of {@code docker-compose.yml} share one host instead of a
 * Compose network, and nothing else: a service's host name becomes a local address, each container
 * port a free local port of its own (two services listen on 9404 in their containers), a wildcard
 * bind address 127.0.0.1, a named volume a local directory. Every other value passes unchanged, so
 * the names, values and commands the services run with are the file's.
 */
final class OneHost {

    static final String LOOPBACK = "127.0.0.1";
    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]");
    // host:port, alone or inside a URL; not a scheme (jdbc:postgresql:) nor a part of a longer name.
    private static final Pattern HOST_PORT = Pattern.compile("(?<![A-Za-z0-9_.\\-])([A-Za-z0-9][A-Za-z0-9_.\\-]*):([0-9]{1,5})(?![0-9])");

    private final Set<String> services;
    private final Map<String, String> provided;
    private final Path volumeRoot;
    private final Map<String, Integer> ports = new LinkedHashMap<>();

    /**
     * @param services   every service name of the file (the host names of the Compose network)
     * @param provided   what the test runs itself, by the file's {@code service:port}
     *                   (e.g. {@code kafka:9092} to the embedded broker's {@code host:port})
     * @param volumeRoot where named volumes become directories
     */
    OneHost(Set<String> services, Map<String, String> provided, Path volumeRoot) {
        this.services = Set.copyOf(services);
        this.provided = Map.copyOf(provided);
        this.volumeRoot = volumeRoot;
    }

    /** The local port of one service's container port: free when first asked, the same ever after. */
    synchronized int port(String service, int containerPort) {
        return ports.computeIfAbsent(service + ":" + containerPort, key -> freePort());
    }

    /** Where {@code service:containerPort} of the Compose network is reached on this host. */
    String address(String service, int containerPort) {
        String key = service + ":" + containerPort;
        if (provided.containsKey(key)) {
            return provided.get(key);
        }
        if (provided.keySet().stream().anyMatch(known -> known.startsWith(service + ":"))) {
            throw new IllegalArgumentException(key + ": the test runs " + service + " on " + provided + " only");
        }
        if (!services.contains(service)) {
            throw new IllegalArgumentException(key + ": no service " + service + " in the file");
        }
        return LOOPBACK + ":" + port(service, containerPort);
    }

    /**
     * A value as {@code self} sees it on this host: {@code name:port} of a service (alone or in a
     * URL) becomes that service's local address, {@code 0.0.0.0:port} (self's listener) the
     * loopback and self's local port. Host names that are no service (a domain) stay.
     */
    String rewrite(String self, String value) {
        Matcher hostPort = HOST_PORT.matcher(value);
        StringBuilder rewritten = new StringBuilder();
        while (hostPort.find()) {
            String host = hostPort.group(1);
            int port = Integer.parseInt(hostPort.group(2));
            String local;
            if (WILDCARDS.contains(host)) {
                local = LOOPBACK + ":" + port(self, port);
            } else if (services.contains(host)) {
                local = address(host, port);
            } else {
                local = hostPort.group();
            }
            hostPort.appendReplacement(rewritten, Matcher.quoteReplacement(local));
        }
        hostPort.appendTail(rewritten);
        return rewritten.toString();
    }

    /**
     * A service's environment on this host: {@code *_PORT} (a port it listens on) its local port,
     * {@code *_HOST} 0.0.0.0 the loopback, the container path of a named volume that volume's
     * directory, every other value {@link #rewrite rewritten}.
     *
     * @param namedVolumes the service's named volumes by container path
     */
    Map<String, String> environment(String service, Map<String, String> environment, Map<String, String> namedVolumes) {
        Map<String, String> local = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            String mapped;
            if (name.endsWith("_PORT") && value.matches("[0-9]{1,5}")) {
                mapped = String.valueOf(port(service, Integer.parseInt(value)));
            } else if (name.endsWith("_HOST") && WILDCARDS.contains(value)) {
                mapped = LOOPBACK;
            } else if (namedVolumes.containsKey(value)) {
                mapped = volume(namedVolumes.get(value)).toString();
            } else {
                mapped = rewrite(service, value);
            }
            local.put(name, mapped);
        });
        return local;
    }

    /** A named volume's directory: created on first use, shared by every service that mounts it. */
    Path volume(String name) {
        try {
            return Files.createDirectories(volumeRoot.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
