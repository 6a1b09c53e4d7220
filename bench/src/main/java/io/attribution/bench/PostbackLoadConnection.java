package io.attribution.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * One keep-alive connection of the load, on its own thread: postback GETs back to back, each with its
 * own click id and txn id (or tracking-link GETs, each with its own sub1), until the deadline; each
 * answer read whole, its status counted and its latency kept. 200 and 302 count as done.
 */
final class PostbackLoadConnection extends Thread {

    private final int port;
    private final CountDownLatch go;
    private final String clientId;
    private final boolean clicks;
    volatile long deadline;
    long ok;
    final Map<Integer, Long> statuses = new TreeMap<>();
    long[] latencies = new long[1 << 14];
    int latencyCount;
    Exception failure;
    private final byte[] buffer = new byte[16 * 1024];

    /** @param clicks {@code /click} requests, else postbacks */
    PostbackLoadConnection(String clientId, int port, CountDownLatch go, boolean clicks) {
        super("load-" + clientId);
        this.clientId = clientId;
        this.clicks = clicks;
        this.port = port;
        this.go = go;
    }

    @Override
    public void run() {
        long sequence = 0;
        Socket socket = null;
        try {
            go.await();
            while (System.nanoTime() < deadline) {
                if (socket == null) {
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                    socket.setSoTimeout(30_000);
                }
                String id = clientId + "-" + sequence++;
                String target = clicks
                        ? "/click?campaign_id=" + IngestThroughputBenchmark.CAMPAIGN + "&affiliate_id=affiliate-7"
                        + "&sub1=s-" + id + "&sub2=newsletter"
                        : "/postback?click_id=bench-" + id
                        + "&campaign_id=" + IngestThroughputBenchmark.CAMPAIGN
                        + "&security_token=" + IngestThroughputBenchmark.TOKEN
                        + "&goal_value=purchase&sale_amount=49.90&currency=USD&txn_id=o-" + id
                        + "&sub1=affiliate-7";
                byte[] request = ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: ingest-bench\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                long start = System.nanoTime();
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                boolean keepAlive = readResponse(socket.getInputStream());
                record(System.nanoTime() - start);
                if (!keepAlive) {
                    socket.close();
                    socket = null;
                }
            }
        } catch (Exception e) {
            failure = e;
        } finally {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // done anyway
                }
            }
        }
    }

    private void record(long nanos) {
        if (latencyCount == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencies.length * 2);
        }
        latencies[latencyCount++] = nanos;
    }

    /** Reads one answer (Content-Length or chunked); returns whether the connection stays open. */
    private boolean readResponse(InputStream in) throws IOException {
        int filled = 0;
        int headEnd;
        while ((headEnd = indexOfHeadEnd(buffer, filled)) < 0) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                throw new IOException("connection closed mid-answer");
            }
            filled += n;
        }
        String head = new String(buffer, 0, headEnd, StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(head.substring(9, 12));
        statuses.merge(status, 1L, Long::sum);
        if (status == 200 || status == 302) {
            ok++;
        }
        String lower = head.toLowerCase(Locale.ROOT);
        boolean keepAlive = !lower.contains("\r\nconnection: close");
        int bodyStart = headEnd + 4;
        int contentLength = header(lower, "content-length");
        if (contentLength >= 0) {
            skip(in, contentLength - (filled - bodyStart));
        } else if (lower.contains("transfer-encoding: chunked")) {
            readChunked(in, Arrays.copyOfRange(buffer, bodyStart, filled));
        } else {
            in.transferTo(OutputStream.nullOutputStream());
            keepAlive = false;
        }
        return keepAlive;
    }

    private static int header(String head, String name) {
        int at = head.indexOf("\r\n" + name + ":");
        if (at < 0) {
            return -1;
        }
        int end = head.indexOf("\r\n", at + 2);
        return Integer.parseInt(head.substring(at + name.length() + 3, end < 0 ? head.length() : end).strip());
    }

    private static void skip(InputStream in, long bytes) throws IOException {
        while (bytes > 0) {
            long n = in.skip(bytes);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed mid-body");
                }
                n = 1;
            }
            bytes -= n;
        }
    }

    /** Reads chunks until the last one; {@code already} is what came with the head. */
    private static void readChunked(InputStream in, byte[] already) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        seen.write(already);
        while (!seen.toString(StandardCharsets.ISO_8859_1).contains("\r\n0\r\n\r\n")
                && !seen.toString(StandardCharsets.ISO_8859_1).startsWith("0\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed mid-chunk");
            }
            seen.write(b);
        }
    }

    private static int indexOfHeadEnd(byte[] bytes, int length) {
        for (int i = 3; i < length; i++) {
            if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                return i - 3;
            }
        }
        return -1;
    }
}
