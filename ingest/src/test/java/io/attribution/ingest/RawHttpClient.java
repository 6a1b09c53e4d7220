package io.attribution.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 over a plain socket, for what a polite client cannot do: send slowly, stall, or come
 * from another loopback address (127.0.0.2, 127.0.0.3...) to look like another client.
 */
final class RawHttpClient implements AutoCloseable {

    private final Socket socket;

    RawHttpClient(URI server, String fromAddress) throws IOException {
        socket = new Socket();
        socket.bind(new InetSocketAddress(fromAddress, 0));
        socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5_000);
        socket.setSoTimeout(20_000);
    }

    /** A complete GET with Connection: close; returns the status code. */
    static int get(URI server, String fromAddress, String pathAndQuery) throws IOException {
        try (RawHttpClient client = new RawHttpClient(server, fromAddress)) {
            client.send("GET " + pathAndQuery + " HTTP/1.1\r\nHost: ingest\r\nConnection: close\r\n\r\n");
            return client.status();
        }
    }

    void send(String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The status code of the answer, or -1 when the server closed the connection without one. */
    int status() throws IOException {
        String response = readResponse();
        if (response.isEmpty()) {
            return -1;
        }
        return Integer.parseInt(response.substring(9, 12));
    }

    /**
     * Waits until the server ends the exchange (an answer and close, or a bare close).
     *
     * @return how long that took
     */
    Duration awaitServerClose(Duration atMost) throws IOException {
        long start = System.nanoTime();
        socket.setSoTimeout((int) atMost.toMillis());
        try {
            InputStream in = socket.getInputStream();
            while (in.read() != -1) {
                // drain whatever answer comes before the close
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for more than " + atMost);
        } catch (IOException reset) {
            // a reset is a close too
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private String readResponse() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            socket.getInputStream().transferTo(bytes);
        } catch (IOException reset) {
            // keep what arrived before the reset
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
