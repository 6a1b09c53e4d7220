package io.attribution.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 exchange per connection ({@code Connection: close}) over a plain socket, answer
 * and all: for requests no client library would send (broken encodings, odd methods, raw bytes)
 * and for sending a body in parts.
 */
final class RawHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RawHttp() {
    }

    /** An answer; status -1 when the server closed the connection without one. */
    record Answer(int status, String headers, String body, Duration took) {

        /** A top-level field of a JSON body, or null. */
        String field(String name) {
            try {
                JsonNode value = JSON.readTree(body).get(name);
                return value == null || value.isNull() ? null : value.asText();
            } catch (IOException notJson) {
                return null;
            }
        }
    }

    static Answer exchange(URI server, String method, String target, String contentType, byte[] body)
            throws IOException {
        long start = System.nanoTime();
        try (Socket socket = connect(server)) {
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head(method, target, contentType, method.equals("POST") || body.length > 0 ? body.length : -1));
                out.write(body);
                out.flush();
            } catch (IOException refusedMidway) {
                // The server may answer and close before reading all of it: read what it said.
            }
            return read(socket, start);
        }
    }

    static Socket connect(URI server) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5_000);
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** The request line and headers; no Content-Length when {@code contentLength} is negative. */
    static byte[] head(String method, String target, String contentType, long contentLength) {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nUser-Agent: ingest-raw\r\nConnection: close\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (contentLength >= 0) {
            head.append("Content-Length: ").append(contentLength).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads until the server closes the connection and parses what came. */
    static Answer read(Socket socket, long startNanos) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(buffer)) != -1; ) {
                bytes.write(buffer, 0, n);
            }
        } catch (IOException reset) {
            // keep what arrived before the reset
        }
        return parse(bytes.toByteArray(), Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private static Answer parse(byte[] response, Duration took) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || headEnd < 0) {
            return new Answer(-1, text, "", took);
        }
        String headers = text.substring(0, headEnd);
        String body = text.substring(headEnd + 4);
        if (headers.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
            body = dechunk(body);
        }
        return new Answer(Integer.parseInt(text.substring(9, 12)), headers,
                new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8), took);
    }

    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                return body.toString();
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
        }
    }
}
