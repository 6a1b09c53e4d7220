package io.attribution.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import jakarta.servlet.http.HttpServlet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The query API's OpenAPI 3.1 document ({@value #RESOURCE} on the classpath), served as written
 * and as JSON, converted once when the server starts: a document that does not parse stops the
 * start, not a client later.
 */
final class OpenApiDocument {

    static final String RESOURCE = "openapi.yaml";
    static final String YAML_PATH = "/openapi.yaml";
    static final String JSON_PATH = "/openapi.json";

    /** The document changes only with a release, so clients may cache it briefly. */
    private static final Map<String, String> CACHING = Map.of("Cache-Control", "max-age=60");

    private final byte[] yaml;
    private final byte[] json;

    private OpenApiDocument(byte[] yaml, byte[] json) {
        this.yaml = yaml;
        this.json = json;
    }

    static OpenApiDocument load() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            byte[] yaml = in.readAllBytes();
            JsonNode document = new YAMLMapper().readTree(yaml);
            if (document == null || !document.path("openapi").isTextual()) {
                throw new IllegalStateException(RESOURCE + " is not an OpenAPI document");
            }
            return new OpenApiDocument(yaml, new ObjectMapper().writeValueAsBytes(document));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    HttpServlet yamlServlet() {
        return new FixedBodyServlet(yaml, "application/yaml", CACHING);
    }

    HttpServlet jsonServlet() {
        return new FixedBodyServlet(json, "application/json", CACHING);
    }
}
