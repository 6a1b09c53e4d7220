package io.attribution.bench;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import java.util.concurrent.atomic.AtomicLong;

/** An affiliate that answers 200 with no body at once, counting requests and the times of the first and the last. */
final class CountingAffiliateServer implements AutoCloseable {

    private final Server server = new Server();
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong first = new AtomicLong();
    private final AtomicLong last = new AtomicLong();

    CountingAffiliateServer() throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                long now = System.nanoTime();
                if (count.incrementAndGet() == 1) {
                    first.set(now);
                }
                last.accumulateAndGet(now, Math::max);
                response.setStatus(200);
                callback.succeeded();
                return true;
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    void reset() {
        count.set(0);
        first.set(0);
        last.set(0);
    }

    long count() {
        return count.get();
    }

    long firstNanos() {
        return first.get();
    }

    long lastNanos() {
        return last.get();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
