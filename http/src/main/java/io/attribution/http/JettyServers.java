package io.attribution.http;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;

import java.net.URI;

/** What every one of our Jetty servers (ingest, admin, query, management) does alike. */
public final class JettyServers {

    private JettyServers() {
    }

    /** e.g. {@code http://127.0.0.1:8080/}: the connector's host and bound port (the one picked for port 0). */
    public static URI uri(ServerConnector connector) {
        return URI.create("http://" + connector.getHost() + ":" + connector.getLocalPort() + "/");
    }

    /** Stops {@code server}, logging a failure instead of throwing: the rest of the process must still close. */
    public static void stop(Server server, String name, Logger log) {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("{} did not stop cleanly", name, e);
        }
    }
}
